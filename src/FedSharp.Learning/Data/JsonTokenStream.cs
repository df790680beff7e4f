using System.Globalization;
using System.Text.Json;

namespace FedSharp.Learning.Data;

/// <summary>
/// Reads JSON tokens from a stream through a refilled buffer, so that a file of hundreds of megabytes is parsed
/// in one pass without holding it or a document tree in memory. <see cref="Utf8JsonReader"/> is a ref struct that
/// cannot live across buffer refills, so each <see cref="Read"/> makes a fresh reader from the saved
/// <see cref="JsonReaderState"/> and copies out the token's value. Its error messages are phrased for
/// <see cref="LeafJsonReader"/>, its only user.
/// </summary>
internal sealed class JsonTokenStream : IDisposable
{
    private const int InitialBufferBytes = 1 << 16;

    private readonly Stream _stream;
    private readonly string _path;
    private byte[] _buffer = new byte[InitialBufferBytes];
    private int _start;
    private int _end;
    private bool _finalBlock;
    private long _bufferOffset;
    private JsonReaderState _state;
    private byte[] _value = new byte[64];
    private int _valueLength;
    private string? _string;

    public JsonTokenStream(Stream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    /// <summary>The current token.</summary>
    public JsonTokenType TokenType { get; private set; } = JsonTokenType.None;

    /// <summary>Byte offset of the end of the current token in the file, for error messages.</summary>
    public long Position => _bufferOffset + _start;

    /// <summary>The current string or property name.</summary>
    public string String => _string ?? throw new InvalidOperationException($"The current token is {TokenType}, not a string.");

    /// <summary>Moves to the next token; returns <see langword="false"/> at the end of the stream.</summary>
    /// <exception cref="DatasetFormatException">The JSON is malformed.</exception>
    public bool Read()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _finalBlock, _state);
            bool read;
            try
            {
                read = reader.Read();
            }
            catch (JsonException ex)
            {
                throw new DatasetFormatException(
                    $"'{_path}' is not valid JSON near byte {_bufferOffset + _start + reader.BytesConsumed} ({ex.Message}); the file is truncated or damaged, regenerate it with LEAF's preprocess.sh.",
                    _path,
                    ex);
            }

            if (read)
            {
                TokenType = reader.TokenType;
                CaptureValue(ref reader);
                _start += (int)reader.BytesConsumed;
                _state = reader.CurrentState;
                return true;
            }

            _start += (int)reader.BytesConsumed;
            _state = reader.CurrentState;
            if (_finalBlock)
            {
                TokenType = JsonTokenType.None;
                return false;
            }

            Refill();
        }
    }

    /// <summary>Reads the next token and fails unless it is <paramref name="expected"/>.</summary>
    public void Expect(JsonTokenType expected, string context)
    {
        if (!Read() || TokenType != expected)
        {
            throw Malformed($"expected {Describe(expected)} {context} but found {Describe(TokenType)}");
        }
    }

    /// <summary>The current number as float32.</summary>
    public float GetSingle(string context) =>
        TokenType == JsonTokenType.Number
        && float.TryParse(_value.AsSpan(0, _valueLength), NumberStyles.Float, CultureInfo.InvariantCulture, out float value)
            ? value
            : throw Malformed($"expected a number {context} but found {Describe(TokenType)}");

    /// <summary>The current number as float64.</summary>
    public double GetDouble(string context) =>
        TokenType == JsonTokenType.Number
        && double.TryParse(_value.AsSpan(0, _valueLength), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw Malformed($"expected a number {context} but found {Describe(TokenType)}");

    /// <summary>Skips the current value: a scalar, or an object or array with everything inside it.</summary>
    public void SkipValue()
    {
        if (TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        int depth = 1;
        while (depth > 0)
        {
            if (!Read())
            {
                throw Malformed("the file ends inside an object or array");
            }

            if (TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                depth++;
            }
            else if (TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                depth--;
            }
        }
    }

    /// <summary>An error for this file at the current position.</summary>
    public DatasetFormatException Malformed(string fault) =>
        new($"'{_path}' is not a LEAF data file: {fault} (near byte {Position}). Check that it is a LEAF JSON file ({{\"users\", \"num_samples\", \"user_data\"}}) and regenerate it if it was cut short.", _path, null);

    public void Dispose() => _stream.Dispose();

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.None => "the end of the file",
        JsonTokenType.StartObject => "'{'",
        JsonTokenType.EndObject => "'}'",
        JsonTokenType.StartArray => "'['",
        JsonTokenType.EndArray => "']'",
        JsonTokenType.PropertyName => "a property name",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    private void CaptureValue(ref Utf8JsonReader reader)
    {
        _string = null;
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
        {
            _string = reader.GetString();
        }
        else if (reader.TokenType == JsonTokenType.Number)
        {
            // Numbers are never escaped and never span segments here, since the buffer is one contiguous span.
            ReadOnlySpan<byte> raw = reader.ValueSpan;
            if (raw.Length > _value.Length)
            {
                _value = new byte[raw.Length];
            }

            raw.CopyTo(_value);
            _valueLength = raw.Length;
        }
    }

    private void Refill()
    {
        int remaining = _end - _start;
        if (remaining == _buffer.Length)
        {
            // One token is larger than the buffer; grow so that it fits.
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
        }

        _bufferOffset += _start;
        _start = 0;
        _end = remaining;
        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _finalBlock = true;
        }

        bool firstFill = _bufferOffset == 0 && _end == 0;
        _end += read;

        // Utf8JsonReader rejects a byte-order mark, which some Windows tools write at the start of a UTF-8 file.
        if (firstFill && _buffer.AsSpan(0, _end).StartsWith("\uFEFF"u8))
        {
            _start = 3;
        }
    }
}
