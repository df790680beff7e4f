using System.Buffers;

namespace FedSharp.Server.Protocol;

/// <summary>One part of a reply assembled from several buffers, as a link of a <see cref="ReadOnlySequence{T}"/>.</summary>
internal sealed class ReplySegment : ReadOnlySequenceSegment<byte>
{
    private ReplySegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>The parts in order as one sequence; empty parts are skipped.</summary>
    public static ReadOnlySequence<byte> Join(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second, ReadOnlyMemory<byte> third)
    {
        ReplySegment? head = null;
        ReplySegment? tail = null;
        Append(ref head, ref tail, first);
        Append(ref head, ref tail, second);
        Append(ref head, ref tail, third);
        return head is null || tail is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(head, 0, tail, tail.Memory.Length);
    }

    private static void Append(ref ReplySegment? head, ref ReplySegment? tail, ReadOnlyMemory<byte> memory)
    {
        if (memory.IsEmpty)
        {
            return;
        }

        var segment = new ReplySegment(memory, tail is null ? 0 : tail.RunningIndex + tail.Memory.Length);
        if (tail is null)
        {
            head = segment;
        }
        else
        {
            tail.Next = segment;
        }

        tail = segment;
    }
}
