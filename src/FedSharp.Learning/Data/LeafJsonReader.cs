using System.Text.Json;

namespace FedSharp.Learning.Data;

/// <summary>
/// Reads a LEAF data file (Caldas et al. 2018) of fixed-size float samples, such as FEMNIST or FedProx's Synthetic:
/// <c>{"users": [ids], "num_samples": [counts], "hierarchies": [...optional], "user_data": {"id": {"x": [[features]],
/// "y": [labels]}}}</c>. The file is parsed in one streaming pass (no document tree); the result keeps the users'
/// natural partition. Properties may come in any order; unknown properties are skipped.
/// </summary>
public static class LeafJsonReader
{
    /// <summary>FEMNIST's sample shape: one 28×28 grey image per sample, stored as 784 floats in [0, 1].</summary>
    public static IReadOnlyList<int> FemnistSampleShape { get; } = [1, 28, 28];

    /// <summary>FEMNIST's classes: 10 digits, 26 upper-case and 26 lower-case letters.</summary>
    public const int FemnistClassCount = 62;

    /// <summary>Reads a LEAF FEMNIST file: samples [1, 28, 28], 62 classes.</summary>
    /// <exception cref="DatasetFormatException">The file is missing, not JSON, or breaks the LEAF layout.</exception>
    public static UserPartitionedDataset ReadFemnist(string path) => Read(path, [.. FemnistSampleShape], FemnistClassCount);

    /// <summary>Reads a LEAF file whose samples have the given shape.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="sampleShape">The shape of one sample; each <c>x</c> row must hold its product of floats.</param>
    /// <param name="classCount">Number of classes; every <c>y</c> must be an integer in [0, classCount).</param>
    /// <exception cref="DatasetFormatException">The file is missing, not JSON, or breaks the LEAF layout: a user
    /// listed without data or with data but not listed, <c>x</c>/<c>y</c>/<c>num_samples</c> lengths that differ,
    /// a feature row of the wrong length, or a label out of range.</exception>
    public static UserPartitionedDataset Read(string path, int[] sampleShape, int classCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        int sampleSize = 1;
        foreach (int dimension in sampleShape)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1, nameof(sampleShape));
            sampleSize *= dimension;
        }

        if (!File.Exists(path))
        {
            throw new DatasetFormatException($"The LEAF file '{path}' does not exist; generate it with LEAF's preprocess.sh (e.g. data/femnist/preprocess.sh -s niid --sf 0.05 -k 0 -t sample) or correct the path.", path, null);
        }

        var parsed = new ParsedFile(sampleSize);
        using (var tokens = new JsonTokenStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), path))
        {
            ParseRoot(tokens, parsed, path, classCount);
        }

        return Assemble(parsed, path, sampleShape, classCount);
    }

    private static void ParseRoot(JsonTokenStream tokens, ParsedFile parsed, string path, int classCount)
    {
        tokens.Expect(JsonTokenType.StartObject, "at the start of the file");
        while (tokens.Read() && tokens.TokenType == JsonTokenType.PropertyName)
        {
            string property = tokens.String;
            switch (property)
            {
                case "users":
                    parsed.Users = ReadStringArray(tokens, "in \"users\"");
                    break;
                case "num_samples":
                    parsed.NumSamples = ReadIntegerArray(tokens, "in \"num_samples\"");
                    break;
                case "user_data":
                    ParseUserData(tokens, parsed, path, classCount);
                    break;
                default:
                    tokens.Read();
                    tokens.SkipValue();
                    break;
            }
        }

        if (tokens.TokenType != JsonTokenType.EndObject)
        {
            throw tokens.Malformed("expected a property name or '}' in the top-level object");
        }
    }

    private static void ParseUserData(JsonTokenStream tokens, ParsedFile parsed, string path, int classCount)
    {
        tokens.Expect(JsonTokenType.StartObject, "after \"user_data\"");
        while (tokens.Read() && tokens.TokenType == JsonTokenType.PropertyName)
        {
            string user = tokens.String;
            if (parsed.Data.ContainsKey(user))
            {
                throw new DatasetFormatException($"'{path}' has two \"user_data\" entries for user '{user}'; each user must appear once. Regenerate the file.", path, null);
            }

            tokens.Expect(JsonTokenType.StartObject, $"as the data of user '{user}'");
            int start = parsed.SampleCount;
            int xRows = -1;
            int yCount = -1;
            while (tokens.Read() && tokens.TokenType == JsonTokenType.PropertyName)
            {
                switch (tokens.String)
                {
                    case "x":
                        xRows = ReadFeatureRows(tokens, parsed, path, user, start);
                        break;
                    case "y":
                        yCount = ReadLabels(tokens, parsed, path, user, classCount);
                        break;
                    default:
                        tokens.Read();
                        tokens.SkipValue();
                        break;
                }
            }

            if (tokens.TokenType != JsonTokenType.EndObject)
            {
                throw tokens.Malformed($"expected a property name or '}}' in the data of user '{user}'");
            }

            if (xRows < 0 || yCount < 0)
            {
                throw new DatasetFormatException($"User '{user}' in '{path}' has no \"{(xRows < 0 ? "x" : "y")}\" array; every user needs both \"x\" (features) and \"y\" (labels).", path, null);
            }

            if (xRows != yCount)
            {
                throw new DatasetFormatException($"User '{user}' in '{path}' has {xRows} feature rows in \"x\" but {yCount} labels in \"y\"; the two must have one entry per sample. Regenerate the file.", path, null);
            }

            parsed.Data.Add(user, (start, xRows));
        }

        if (tokens.TokenType != JsonTokenType.EndObject)
        {
            throw tokens.Malformed("expected a user id or '}' in \"user_data\"");
        }
    }

    private static int ReadFeatureRows(JsonTokenStream tokens, ParsedFile parsed, string path, string user, int start)
    {
        tokens.Expect(JsonTokenType.StartArray, $"as \"x\" of user '{user}'");
        int rows = 0;
        while (tokens.Read() && tokens.TokenType == JsonTokenType.StartArray)
        {
            int columns = 0;
            Span<float> row = parsed.AppendRow();
            while (tokens.Read() && tokens.TokenType == JsonTokenType.Number)
            {
                if (columns == row.Length)
                {
                    throw new DatasetFormatException($"Sample {rows} of user '{user}' in '{path}' has more than {row.Length} features; the sample shape expects exactly {row.Length}. Pass the data set's sample shape.", path, null);
                }

                row[columns++] = tokens.GetSingle($"in \"x\" of user '{user}'");
            }

            if (tokens.TokenType != JsonTokenType.EndArray)
            {
                throw tokens.Malformed($"expected a number or ']' in sample {rows} of \"x\" of user '{user}'");
            }

            if (columns != row.Length)
            {
                throw new DatasetFormatException($"Sample {rows} of user '{user}' in '{path}' has {columns} features but the sample shape expects {row.Length}. Pass the data set's sample shape.", path, null);
            }

            rows++;
        }

        if (tokens.TokenType != JsonTokenType.EndArray)
        {
            throw tokens.Malformed($"expected a feature row '[' or ']' in \"x\" of user '{user}'");
        }

        if (parsed.SampleCount - start != rows)
        {
            throw new DatasetFormatException($"User '{user}' in '{path}' has more than one \"x\" array; each user needs exactly one.", path, null);
        }

        return rows;
    }

    private static int ReadLabels(JsonTokenStream tokens, ParsedFile parsed, string path, string user, int classCount)
    {
        tokens.Expect(JsonTokenType.StartArray, $"as \"y\" of user '{user}'");
        int count = 0;
        while (tokens.Read() && tokens.TokenType == JsonTokenType.Number)
        {
            // FedProx's Synthetic writes labels as floats (3.0), so integral floats are accepted.
            double value = tokens.GetDouble($"in \"y\" of user '{user}'");
            if (value != Math.Floor(value) || value < 0 || value >= classCount)
            {
                throw new DatasetFormatException($"Label {value} of sample {count} of user '{user}' in '{path}' is not an integer in [0, {classCount}); pass the data set's class count or regenerate the file.", path, null);
            }

            parsed.Labels.Add((int)value);
            count++;
        }

        if (tokens.TokenType != JsonTokenType.EndArray)
        {
            throw tokens.Malformed($"expected a label or ']' in \"y\" of user '{user}'");
        }

        return count;
    }

    private static List<string> ReadStringArray(JsonTokenStream tokens, string context)
    {
        tokens.Expect(JsonTokenType.StartArray, context);
        var values = new List<string>();
        while (tokens.Read() && tokens.TokenType == JsonTokenType.String)
        {
            values.Add(tokens.String);
        }

        return tokens.TokenType == JsonTokenType.EndArray ? values : throw tokens.Malformed($"expected a string or ']' {context}");
    }

    private static List<int> ReadIntegerArray(JsonTokenStream tokens, string context)
    {
        tokens.Expect(JsonTokenType.StartArray, context);
        var values = new List<int>();
        while (tokens.Read() && tokens.TokenType == JsonTokenType.Number)
        {
            double value = tokens.GetDouble(context);
            values.Add(value == Math.Floor(value) && value >= 0 && value <= int.MaxValue
                ? (int)value
                : throw tokens.Malformed($"expected a non-negative integer {context} but found {value}"));
        }

        return tokens.TokenType == JsonTokenType.EndArray ? values : throw tokens.Malformed($"expected a number or ']' {context}");
    }

    private static UserPartitionedDataset Assemble(ParsedFile parsed, string path, int[] sampleShape, int classCount)
    {
        if (parsed.Users is null)
        {
            throw new DatasetFormatException($"'{path}' has no \"users\" list; a LEAF file lists its users in \"users\". Regenerate the file.", path, null);
        }

        if (parsed.SampleCount != parsed.Labels.Count)
        {
            throw new DatasetFormatException($"'{path}' holds {parsed.SampleCount} feature rows but {parsed.Labels.Count} labels; regenerate the file.", path, null);
        }

        if (parsed.NumSamples is not null && parsed.NumSamples.Count != parsed.Users.Count)
        {
            throw new DatasetFormatException($"'{path}' lists {parsed.Users.Count} users but {parsed.NumSamples.Count} \"num_samples\" entries; there must be one count per user. Regenerate the file.", path, null);
        }

        var userIndices = new int[parsed.Users.Count][];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int u = 0; u < parsed.Users.Count; u++)
        {
            string user = parsed.Users[u];
            if (!seen.Add(user))
            {
                throw new DatasetFormatException($"User '{user}' is listed twice in \"users\" of '{path}'; each user must appear once. Regenerate the file.", path, null);
            }

            if (!parsed.Data.TryGetValue(user, out (int Start, int Count) run))
            {
                throw new DatasetFormatException($"User '{user}' is listed in \"users\" of '{path}' but has no entry in \"user_data\"; the file is incomplete, regenerate it.", path, null);
            }

            if (parsed.NumSamples is not null && parsed.NumSamples[u] != run.Count)
            {
                throw new DatasetFormatException($"User '{user}' in '{path}' has \"num_samples\" {parsed.NumSamples[u]} but {run.Count} samples in \"user_data\"; regenerate the file.", path, null);
            }

            userIndices[u] = Enumerable.Range(run.Start, run.Count).ToArray();
        }

        foreach (string user in parsed.Data.Keys)
        {
            if (!seen.Contains(user))
            {
                throw new DatasetFormatException($"User '{user}' has data in \"user_data\" of '{path}' but is not listed in \"users\"; add it to \"users\" or regenerate the file.", path, null);
            }
        }

        var samples = new LabeledDataset(parsed.TakeFeatures(), [.. parsed.Labels], sampleShape, classCount);
        return new UserPartitionedDataset(samples, parsed.Users, userIndices);
    }

    /// <summary>What one pass over the file collected: feature rows in file order, labels, and each user's run.</summary>
    private sealed class ParsedFile(int sampleSize)
    {
        private float[] _features = new float[sampleSize * 64];

        public List<string>? Users { get; set; }

        public List<int>? NumSamples { get; set; }

        public Dictionary<string, (int Start, int Count)> Data { get; } = new(StringComparer.Ordinal);

        public List<int> Labels { get; } = [];

        public int SampleCount { get; private set; }

        public Span<float> AppendRow()
        {
            long needed = (long)(SampleCount + 1) * sampleSize;
            if (needed > _features.Length)
            {
                Array.Resize(ref _features, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _features.Length)));
            }

            return _features.AsSpan(SampleCount++ * sampleSize, sampleSize);
        }

        public float[] TakeFeatures()
        {
            Array.Resize(ref _features, SampleCount * sampleSize);
            return _features;
        }
    }
}
