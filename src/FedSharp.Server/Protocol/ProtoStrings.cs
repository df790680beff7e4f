using System.Text.Unicode;
using Google.Protobuf.Reflection;

namespace FedSharp.Server.Protocol;

/// <summary>
/// The proto3 rule that string fields hold valid UTF-8, which the C# runtime does not enforce: it decodes invalid
/// bytes to U+FFFD, so two different byte strings could become one <c>fl_id</c>. Other runtimes (C++, Java, Go)
/// refuse such messages; this check makes FedSharp refuse them too.
/// </summary>
internal static class ProtoStrings
{
    /// <summary>
    /// The name of the first top-level string field of <paramref name="message"/> (a message of type
    /// <paramref name="descriptor"/> that already parsed) whose bytes are not valid UTF-8, or null when all are valid.
    /// </summary>
    public static string? FindInvalidUtf8(MessageDescriptor descriptor, ReadOnlySpan<byte> message)
    {
        int position = 0;
        while (position < message.Length)
        {
            if (!UpdateModelReader.TryReadVarint(message, ref position, out ulong tag))
            {
                return null;
            }

            switch ((int)(tag & 7))
            {
                case 0:
                    if (!UpdateModelReader.TryReadVarint(message, ref position, out _))
                    {
                        return null;
                    }

                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    if (!UpdateModelReader.TryReadVarint(message, ref position, out ulong length) || length > (ulong)(message.Length - position))
                    {
                        return null;
                    }

                    ReadOnlySpan<byte> value = message.Slice(position, (int)length);
                    position += (int)length;
                    if (descriptor.FindFieldByNumber((int)(tag >> 3)) is { FieldType: FieldType.String } field && !Utf8.IsValid(value))
                    {
                        return field.Name;
                    }

                    break;
                default:
                    // Groups do not exist in proto3, and the parser has accepted the message: nothing more to check.
                    return null;
            }
        }

        return null;
    }
}
