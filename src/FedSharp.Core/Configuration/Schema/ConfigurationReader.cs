using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FedSharp.Core.Configuration.Schema;

/// <summary>
/// Reads YAML through YamlDotNet's representation model, which keeps every node's line, and applies it key by key
/// against <see cref="ConfigurationSchema"/>, collecting every error before throwing.
/// </summary>
internal sealed partial class ConfigurationReader
{
    private const string OverrideSource = "--set";
    private const string CodeSource = "<code>";

    private readonly string _source;
    private readonly JobConfiguration _target;
    private readonly List<ConfigurationError> _errors = [];

    // Where each key and section was written (line, column); overrides record line 0.
    private readonly Dictionary<string, (int Line, int Column)> _written = new(StringComparer.Ordinal);

    private ConfigurationReader(string source, JobConfiguration target)
    {
        _source = source;
        _target = target;
    }

    public static JobConfiguration Read(string yaml, string source, IEnumerable<string> overrides)
    {
        var reader = new ConfigurationReader(source, new JobConfiguration());
        reader.ReadDocument(yaml);
        foreach (string assignment in overrides)
        {
            reader.ApplyOverride(assignment);
        }

        reader.CheckRequired();
        reader.CheckRules();
        reader.ThrowIfAny();
        return reader._target;
    }

    public static void ApplyOverrides(JobConfiguration target, IReadOnlyList<string> assignments)
    {
        // A scratch configuration catches parse and range errors before the real one is touched.
        var trial = new ConfigurationReader(OverrideSource, new JobConfiguration());
        foreach (string assignment in assignments)
        {
            trial.ApplyOverride(assignment);
        }

        trial.ThrowIfAny();
        var reader = new ConfigurationReader(OverrideSource, target);
        foreach (string assignment in assignments)
        {
            reader.ApplyOverride(assignment);
        }

        reader.CheckRules();
        reader.ThrowIfAny();
    }

    public static void Validate(JobConfiguration target)
    {
        var reader = new ConfigurationReader(CodeSource, target);
        foreach (ConfigurationKey key in ConfigurationSchema.Keys)
        {
            string? error = key.Check(target);
            if (error is not null)
            {
                reader.Report(key.Path, 0, 0, error);
            }
        }

        reader.CheckRules();
        reader.ThrowIfAny();
    }

    private void ReadDocument(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            int line = (int)ex.Start.Line;
            var error = new ConfigurationError(string.Empty, _source, line, (int)ex.Start.Column, $"malformed YAML: {ex.Message}; fix the syntax near this line");
            throw new ConfigurationException(_source, error, ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner throws this, without a position, on some unterminated flow collections.
            var error = new ConfigurationError(string.Empty, _source, 0, 0, $"malformed YAML: the parser stopped ({ex.Message}); look for an unclosed '[' or '{{'");
            throw new ConfigurationException(_source, error, ex);
        }

        if (stream.Documents.Count == 0)
        {
            return;
        }

        YamlNode root = stream.Documents[0].RootNode;
        if (root is YamlMappingNode mapping)
        {
            _written[string.Empty] = Position(root);
            Walk(mapping, string.Empty);
        }
        else if (!(root is YamlScalarNode scalar && ToText(scalar).IsNull))
        {
            (int line, int column) = Position(root);
            Report(string.Empty, line, column, $"the document must be a mapping of keys such as 'fl_name: Lenet'; got {Describe(root)}");
        }

        if (stream.Documents.Count > 1)
        {
            (int line, int column) = Position(stream.Documents[1].RootNode);
            Report(string.Empty, line, column, "the file holds more than one YAML document; keep only one (remove the extra '---')");
        }
    }

    private void Walk(YamlMappingNode mapping, string prefix)
    {
        foreach ((YamlNode keyNode, YamlNode valueNode) in mapping.Children)
        {
            (int line, int column) = Position(keyNode);
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                Report(prefix, line, column, $"a key must be a plain name; got {Describe(keyNode)}");
                continue;
            }

            string path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (ConfigurationSchema.ByPath.TryGetValue(path, out ConfigurationKey? key))
            {
                _written[path] = (line, column);
                _target.KeySources[path] = new ConfigurationError(path, _source, line, column, string.Empty);
                (int valueLine, int valueColumn) = Position(valueNode);
                string? error = valueNode is YamlScalarNode scalar
                    ? key.Apply(_target, ToText(scalar))
                    : $"'{path}' must be {key.Expectation}; got {Describe(valueNode)}";
                if (error is not null)
                {
                    Report(path, valueLine, valueColumn, error);
                }
            }
            else if (ConfigurationSchema.Sections.Contains(path))
            {
                _written[path] = (line, column);
                if (valueNode is YamlMappingNode section)
                {
                    Walk(section, path);
                }
                else if (!(valueNode is YamlScalarNode empty && ToText(empty).IsNull))
                {
                    (int valueLine, int valueColumn) = Position(valueNode);
                    Report(path, valueLine, valueColumn, $"'{path}' is a section and must hold keys ({string.Join(", ", ConfigurationSchema.ChildrenOf(path))}); got {Describe(valueNode)}");
                }
            }
            else
            {
                Report(path, line, column, UnknownKey(path, prefix, name));
            }
        }
    }

    private void ApplyOverride(string assignment)
    {
        int equals = assignment.IndexOf('=', StringComparison.Ordinal);
        string path = equals < 0 ? assignment.Trim() : assignment[..equals].Trim();
        string source = $"{OverrideSource} {assignment}";
        if (equals <= 0 || path.Length == 0)
        {
            _errors.Add(new ConfigurationError(path, source, 0, 0, $"an override must look like key.path=value, e.g. round.start_fl_job_threshold=10; got '{assignment}'"));
            return;
        }

        string value = assignment[(equals + 1)..].Trim();
        if (!ConfigurationSchema.ByPath.TryGetValue(path, out ConfigurationKey? key))
        {
            string message = ConfigurationSchema.Sections.Contains(path)
                ? $"'{path}' is a section; set one of its keys instead: {string.Join(", ", ConfigurationSchema.ChildrenOf(path).Select(c => $"{path}.{c}"))}"
                : UnknownOverride(path);
            _errors.Add(new ConfigurationError(path, source, 0, 0, message));
            return;
        }

        bool quoted = value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0];
        var text = new ScalarText(quoted ? value[1..^1] : value, quoted);
        string? error = key.Apply(_target, text);
        if (error is not null)
        {
            _errors.Add(new ConfigurationError(path, source, 0, 0, error));
            return;
        }

        _written[path] = (0, 0);
        _target.KeySources[path] = new ConfigurationError(path, source, 0, 0, string.Empty);
    }

    private void CheckRequired()
    {
        foreach (ConfigurationKey key in ConfigurationSchema.Keys.Where(k => k.Required && !_written.ContainsKey(k.Path)))
        {
            string where = key.Section.Length == 0 ? "at the top level" : $"to section '{key.Section}'";
            (int line, int column) = _written.TryGetValue(key.Section, out var section) ? section : (0, 0);
            Report(key.Path, line, column, $"required key '{key.Path}' is missing; add it {where}: {key.Expectation}");
        }
    }

    private void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ConfigurationException(_source, _errors);
        }
    }

    private void Report(string path, int line, int column, string message) =>
        _errors.Add(new ConfigurationError(path, _source, line, column, message));

    private static string UnknownKey(string path, string prefix, string name)
    {
        IReadOnlyList<string> siblings = ConfigurationSchema.ChildrenOf(prefix);
        string scope = prefix.Length == 0 ? "top-level keys" : $"keys of '{prefix}'";

        // A known key written in the wrong section, e.g. 'update_model_ratio' at the top level.
        ConfigurationKey? elsewhere = ConfigurationSchema.Keys.FirstOrDefault(k => k.Name == name);
        if (elsewhere is not null)
        {
            string where = elsewhere.Section.Length == 0 ? "it belongs at the top level" : $"it belongs in section '{elsewhere.Section}'";
            return $"unknown key '{path}'; did you mean '{elsewhere.Path}' ({where})?";
        }

        string? closest = KeySuggestion.Closest(name, siblings);
        if (closest is not null)
        {
            string suggestion = prefix.Length == 0 ? closest : $"{prefix}.{closest}";
            return $"unknown key '{path}'; did you mean '{suggestion}'? Valid {scope}: {string.Join(", ", siblings)}";
        }

        return $"unknown key '{path}'; valid {scope}: {string.Join(", ", siblings)}";
    }

    private static string UnknownOverride(string path)
    {
        string? closest = KeySuggestion.Closest(path, ConfigurationSchema.Keys.Select(k => k.Path));
        return closest is not null
            ? $"unknown key '{path}'; did you mean '{closest}'?"
            : $"unknown key '{path}'; see docs/configuration.md for every key";
    }

    private static ScalarText ToText(YamlScalarNode scalar) =>
        new(scalar.Value ?? string.Empty, scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded);

    private static (int Line, int Column) Position(YamlNode node) => ((int)node.Start.Line, (int)node.Start.Column);

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping (nested keys)",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => ToText(scalar).Show(),
        _ => "an unsupported node",
    };
}
