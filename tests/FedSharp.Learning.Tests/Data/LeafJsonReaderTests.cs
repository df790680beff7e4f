using System.Globalization;
using System.Text;
using FedSharp.Learning.Data;
using FedSharp.Learning.Data.Partitioning;

namespace FedSharp.Learning.Tests.Data;

public sealed class LeafJsonReaderTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Read_SmallFile_KeepsUsersSamplesAndLabels()
    {
        // Arrange
        string path = Write("""
            {"users": ["f_0", "f_1"], "num_samples": [2, 1], "hierarchies": [],
             "user_data": {"f_0": {"x": [[0.0, 0.5, 1.0, 0.25], [1, 0, 0, 0]], "y": [3, 1]},
                           "f_1": {"y": [2.0], "x": [[0.125, 0.0, 0.0, 0.75]]}}}
            """);

        // Act
        UserPartitionedDataset data = LeafJsonReader.Read(path, [1, 2, 2], 4);

        // Assert
        Assert.Equal(["f_0", "f_1"], data.UserIds);
        Assert.Equal([[0, 1], [2]], data.UserIndices);
        Assert.Equal([3, 1, 2], data.Samples.Labels.ToArray());
        Assert.Equal([0f, 0.5f, 1f, 0.25f], data.ForUser("f_0").GetSample(0).ToArray());
        Assert.Equal([0.125f, 0f, 0f, 0.75f], data.ForUser(1).GetSample(0).ToArray());
    }

    [Fact]
    public void Read_ThenNaturalPartition_EachClientIsOneWriter()
    {
        // Arrange
        string path = Write("""{"users": ["w1", "w2", "w3"], "num_samples": [1, 2, 1], "user_data": {"w1": {"x": [[1]], "y": [0]}, "w2": {"x": [[2], [3]], "y": [1, 0]}, "w3": {"x": [[4]], "y": [1]}}}""");
        UserPartitionedDataset data = LeafJsonReader.Read(path, [1], 2);

        // Act
        DataPartition partition = PartitionerFactory.Create("natural", data).Partition(data.Samples.Labels, 2, 3, new Random(1));
        LabeledDataset[] clients = partition.Split(data.Samples);

        // Assert
        Assert.Equal([1f], clients[0].Features.ToArray());
        Assert.Equal([2f, 3f], clients[1].Features.ToArray());
        Assert.Equal([4f], clients[2].Features.ToArray());
    }

    [Fact]
    public void Read_UserDataBeforeUsers_ReadsSameData()
    {
        // Arrange
        string path = Write("""{"user_data": {"b": {"x": [[1]], "y": [0]}, "a": {"x": [[2], [3]], "y": [1, 1]}}, "users": ["a", "b"], "num_samples": [2, 1]}""");

        // Act
        UserPartitionedDataset data = LeafJsonReader.Read(path, [1], 2);

        // Assert
        Assert.Equal(["a", "b"], data.UserIds);
        Assert.Equal([2f, 3f], data.ForUser("a").Features.ToArray());
        Assert.Equal([1f], data.ForUser("b").Features.ToArray());
    }

    [Fact]
    public void ReadFemnist_FileLargerThanReadBuffer_ParsesEveryValue()
    {
        // Arrange: 12 users × 15 samples × 784 values is several megabytes of text, far beyond the 64 KiB buffer.
        var random = new Random(17);
        var expected = new Dictionary<string, (float[] X, int[] Y)>();
        var json = new StringBuilder("{\"users\": [");
        string[] users = Enumerable.Range(0, 12).Select(u => $"f{u:D4}_{u % 7}").ToArray();
        json.AppendJoin(", ", users.Select(u => $"\"{u}\"")).Append("], \"num_samples\": [").AppendJoin(", ", users.Select(_ => "15")).Append("], \"user_data\": {");
        for (int u = 0; u < users.Length; u++)
        {
            float[] x = Enumerable.Range(0, 15 * 784).Select(_ => (float)Math.Round(random.NextDouble(), 6)).ToArray();
            int[] y = Enumerable.Range(0, 15).Select(_ => random.Next(62)).ToArray();
            expected[users[u]] = (x, y);
            json.Append(u == 0 ? "" : ", ").Append('"').Append(users[u]).Append("\": {\"x\": [");
            for (int s = 0; s < 15; s++)
            {
                json.Append(s == 0 ? "[" : ", [").AppendJoin(", ", x.Skip(s * 784).Take(784).Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append(']');
            }

            json.Append("], \"y\": [").AppendJoin(", ", y).Append("]}");
        }

        string path = Write(json.Append("}}").ToString());

        // Act
        UserPartitionedDataset data = LeafJsonReader.ReadFemnist(path);

        // Assert
        Assert.True(new FileInfo(path).Length > 1 << 20);
        Assert.Equal(180, data.Samples.Count);
        Assert.Equal([1, 28, 28], data.Samples.SampleShape.ToArray());
        Assert.Equal(62, data.Samples.ClassCount);
        foreach (string user in users)
        {
            LabeledDataset own = data.ForUser(user);
            Assert.Equal(expected[user].X, own.Features.ToArray());
            Assert.Equal(expected[user].Y, own.Labels.ToArray());
        }
    }

    [Fact]
    public void Read_FileWithByteOrderMark_ReadsData()
    {
        // Arrange
        string path = _directory.File("bom.json");
        File.WriteAllText(path, """{"users": ["a"], "num_samples": [1], "user_data": {"a": {"x": [[0.5]], "y": [1]}}}""", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        // Act
        UserPartitionedDataset data = LeafJsonReader.Read(path, [1], 2);

        // Assert
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);
        Assert.Equal([0.5f], data.Samples.Features.ToArray());
    }

    [Fact]
    public void Read_TruncatedJson_ThrowsNamingTheFile()
    {
        // Arrange
        string path = Write("""{"users": ["a"], "num_samples": [1], "user_data": {"a": {"x": [[1, 2""");

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => LeafJsonReader.Read(path, [2], 2));

        // Assert
        Assert.Equal(path, error.FilePath);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotAnObject_ThrowsNamingTheFault()
    {
        // Arrange
        string path = Write("[1, 2, 3]");

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => LeafJsonReader.Read(path, [2], 2));

        // Assert
        Assert.Contains("expected '{' at the start of the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ListedUserWithoutData_ThrowsNamingTheUser()
    {
        // Arrange
        string path = Write("""{"users": ["a", "ghost"], "num_samples": [1, 3], "user_data": {"a": {"x": [[1]], "y": [0]}}}""");

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => LeafJsonReader.Read(path, [1], 2));

        // Assert
        Assert.Contains("User 'ghost' is listed", error.Message, StringComparison.Ordinal);
        Assert.Contains("no entry in \"user_data\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnlistedUserWithData_ThrowsNamingTheUser()
    {
        // Arrange
        string path = Write("""{"users": ["a"], "num_samples": [1], "user_data": {"a": {"x": [[1]], "y": [0]}, "stray": {"x": [[1]], "y": [1]}}}""");

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => LeafJsonReader.Read(path, [1], 2));

        // Assert
        Assert.Contains("User 'stray' has data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_XAndYLengthsDiffer_ThrowsNamingTheUser()
    {
        // Arrange
        string path = Write("""{"users": ["a"], "num_samples": [2], "user_data": {"a": {"x": [[1], [2]], "y": [0]}}}""");

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => LeafJsonReader.Read(path, [1], 2));

        // Assert
        Assert.Contains("User 'a'", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 feature rows in \"x\" but 1 labels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NumSamplesDisagrees_ThrowsNamingTheUser()
    {
        // Arrange
        string path = Write("""{"users": ["a"], "num_samples": [5], "user_data": {"a": {"x": [[1]], "y": [0]}}}""");

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => LeafJsonReader.Read(path, [1], 2));

        // Assert
        Assert.Contains("\"num_samples\" 5 but 1 samples", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FeatureRowOfWrongLength_ThrowsNamingUserAndSample()
    {
        // Arrange
        string path = Write("""{"users": ["a"], "num_samples": [2], "user_data": {"a": {"x": [[1, 2], [3]], "y": [0, 1]}}}""");

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => LeafJsonReader.Read(path, [2], 2));

        // Assert
        Assert.Contains("Sample 1 of user 'a'", error.Message, StringComparison.Ordinal);
        Assert.Contains("has 1 features but the sample shape expects 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LabelOutOfRange_ThrowsNamingUser()
    {
        // Arrange
        string path = Write("""{"users": ["a"], "num_samples": [1], "user_data": {"a": {"x": [[1]], "y": [62]}}}""");

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => LeafJsonReader.Read(path, [1], 62));

        // Assert
        Assert.Contains("Label 62 of sample 0 of user 'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_ThrowsWithHowToGenerate()
    {
        // Arrange
        string path = _directory.File("all_data_0.json");

        // Act
        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => LeafJsonReader.ReadFemnist(path));

        // Assert
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("preprocess.sh", error.Message, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        string path = _directory.File($"leaf-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
