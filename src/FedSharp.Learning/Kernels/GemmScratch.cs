using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FedSharp.Learning.Kernels;

/// <summary>
/// Per-thread packing buffers for <see cref="Gemm"/>. They live on the pinned object heap, so their addresses never
/// move and can be used as raw pointers, and they only grow, so steady-state training allocates nothing.
/// </summary>
internal sealed unsafe class GemmScratch
{
    // 64 bytes is one cache line and one Vector512: every packed panel starts on a line boundary.
    private const int AlignmentBytes = 64;

    [ThreadStatic]
    private static GemmScratch? s_current;

    private float[] _packedA = [];
    private float* _packedAStart;
    private float[] _packedB = [];
    private float* _packedBStart;

    /// <summary>The calling thread's buffers, created on first use.</summary>
    public static GemmScratch Current => s_current ??= new GemmScratch();

    /// <summary>A 64-byte aligned buffer of at least <paramref name="length"/> floats for packed A panels.</summary>
    public float* PackedA(int length) => Ensure(ref _packedA, ref _packedAStart, length);

    /// <summary>A 64-byte aligned buffer of at least <paramref name="length"/> floats for packed B panels.</summary>
    public float* PackedB(int length) => Ensure(ref _packedB, ref _packedBStart, length);

    private static float* Ensure(ref float[] buffer, ref float* start, int length)
    {
        const int Slack = AlignmentBytes / sizeof(float);
        if (buffer.Length < length + Slack)
        {
            // Grow geometrically so a slowly growing sequence of shapes settles after a few calls.
            int capacity = Math.Max(length + Slack, buffer.Length * 2);
            buffer = GC.AllocateUninitializedArray<float>(capacity, pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            start = (float*)((address + (AlignmentBytes - 1)) & ~(nint)(AlignmentBytes - 1));
        }

        return start;
    }
}
