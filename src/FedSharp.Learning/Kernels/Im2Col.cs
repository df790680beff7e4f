using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedSharp.Learning.Kernels;

/// <summary>
/// Unfolds an NCHW image into the column matrix that turns a convolution into one GEMM (im2col), and folds
/// column gradients back onto the image (col2im).
/// </summary>
/// <remarks>
/// Row <c>(c·kernelHeight + i)·kernelWidth + j</c> of the column matrix holds, for every output pixel (oh, ow) in
/// row-major order, the input value at (c, oh·strideHeight − paddingHeight + i, ow·strideWidth − paddingWidth + j),
/// or zero where that falls in the padding. <see cref="Im2ColScalar"/> is the element-by-element twin.
/// </remarks>
public static class Im2Col
{
    /// <summary>
    /// The output extent of a convolution along one axis: <c>(size + 2·padding − kernel) / stride + 1</c>.
    /// </summary>
    /// <param name="size">Input extent, at least 1.</param>
    /// <param name="kernel">Kernel extent, at least 1 and at most <c>size + 2·padding</c>.</param>
    /// <param name="stride">Step between windows, at least 1.</param>
    /// <param name="padding">Zeros added on each side, at least 0.</param>
    public static int OutputSize(int size, int kernel, int stride, int padding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if ((long)size + 2L * padding < kernel)
        {
            throw new ArgumentOutOfRangeException(
                nameof(kernel),
                $"A kernel of {kernel} does not fit an input of {size} with padding {padding}; use a kernel of at most {(long)size + 2L * padding} or more padding.");
        }

        return (int)(((long)size + 2L * padding - kernel) / stride + 1);
    }

    /// <summary>Writes the column matrix of one image (im2col).</summary>
    /// <param name="image">One image, channels×height×width.</param>
    /// <param name="channels">Input channels, at least 1.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <param name="kernelHeight">Kernel height.</param>
    /// <param name="kernelWidth">Kernel width.</param>
    /// <param name="strideHeight">Vertical stride.</param>
    /// <param name="strideWidth">Horizontal stride.</param>
    /// <param name="paddingHeight">Zero rows above and below.</param>
    /// <param name="paddingWidth">Zero columns left and right.</param>
    /// <param name="columns">The destination: channels·kernelHeight·kernelWidth rows of outH·outW values, starting at
    /// this image's offset when a batch shares one wide matrix.</param>
    /// <param name="columnsRowStride">Distance between rows of <paramref name="columns"/>, at least outH·outW
    /// (batch · outH·outW for a shared batch matrix).</param>
    public static unsafe void Forward(
        ReadOnlySpan<float> image, int channels, int height, int width,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth,
        Span<float> columns, int columnsRowStride)
    {
        (int outputHeight, int outputWidth) = Im2ColArguments.Validate(
            image.Length, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth,
            paddingHeight, paddingWidth, columns.Length, columnsRowStride);

        fixed (float* imagePointer = image)
        fixed (float* columnsPointer = columns)
        {
            int pixels = outputHeight * outputWidth;
            float* target = columnsPointer;
            for (int c = 0; c < channels; c++)
            {
                float* plane = imagePointer + (nint)c * height * width;
                for (int i = 0; i < kernelHeight; i++)
                {
                    // Output rows [rowFirst, rowEnd) read image rows; the rest read vertical padding.
                    (int rowFirst, int rowEnd) = ValidOutputRange(outputHeight, height, strideHeight, paddingHeight, i);
                    for (int j = 0; j < kernelWidth; j++, target += columnsRowStride)
                    {
                        (int first, int end) = ValidOutputRange(outputWidth, width, strideWidth, paddingWidth, j);
                        if (first >= end || rowFirst >= rowEnd)
                        {
                            ClearRun(target, pixels);
                            continue;
                        }

                        ClearRun(target, rowFirst * outputWidth);
                        ClearRun(target + rowEnd * outputWidth, pixels - rowEnd * outputWidth);
                        float* lines = target + rowFirst * outputWidth;
                        int lineCount = rowEnd - rowFirst;
                        if (first > 0 || end < outputWidth)
                        {
                            ClearPaddingColumns(lines, outputWidth, lineCount, first, end);
                        }

                        float* source = plane + (nint)(rowFirst * strideHeight - paddingHeight + i) * width + first * strideWidth - paddingWidth + j;
                        CopyLines(source, (nint)strideHeight * width, strideWidth, lines + first, outputWidth, lineCount, end - first);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Overwrites <paramref name="imageGradient"/> with the sum of every column entry's gradient at the input pixel it
    /// was copied from (col2im, the adjoint of <see cref="Forward"/>); entries that came from padding are dropped.
    /// </summary>
    /// <param name="columns">Gradient of the column matrix, laid out as <see cref="Forward"/> writes it.</param>
    /// <param name="columnsRowStride">Distance between rows of <paramref name="columns"/>.</param>
    /// <param name="channels">Input channels, at least 1.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <param name="kernelHeight">Kernel height.</param>
    /// <param name="kernelWidth">Kernel width.</param>
    /// <param name="strideHeight">Vertical stride.</param>
    /// <param name="strideWidth">Horizontal stride.</param>
    /// <param name="paddingHeight">Zero rows above and below.</param>
    /// <param name="paddingWidth">Zero columns left and right.</param>
    /// <param name="imageGradient">The destination, channels×height×width.</param>
    public static unsafe void Backward(
        ReadOnlySpan<float> columns, int columnsRowStride, int channels, int height, int width,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth,
        Span<float> imageGradient)
    {
        (int outputHeight, int outputWidth) = Im2ColArguments.Validate(
            imageGradient.Length, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth,
            paddingHeight, paddingWidth, columns.Length, columnsRowStride);

        imageGradient[..(channels * height * width)].Clear();
        fixed (float* columnsPointer = columns)
        fixed (float* gradientPointer = imageGradient)
        {
            float* source = columnsPointer;
            for (int c = 0; c < channels; c++)
            {
                float* plane = gradientPointer + (nint)c * height * width;
                for (int i = 0; i < kernelHeight; i++)
                {
                    (int rowFirst, int rowEnd) = ValidOutputRange(outputHeight, height, strideHeight, paddingHeight, i);
                    for (int j = 0; j < kernelWidth; j++, source += columnsRowStride)
                    {
                        (int first, int end) = ValidOutputRange(outputWidth, width, strideWidth, paddingWidth, j);
                        if (first >= end || rowFirst >= rowEnd)
                        {
                            continue;
                        }

                        float* target = plane + (nint)(rowFirst * strideHeight - paddingHeight + i) * width + first * strideWidth - paddingWidth + j;
                        AddLines(source + rowFirst * outputWidth + first, outputWidth, target, (nint)strideHeight * width, strideWidth, rowEnd - rowFirst, end - first);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="lineCount"/> lines of <paramref name="length"/> pixels, taking every
    /// <paramref name="pixelStride"/>-th source float. Kept small and separate so the JIT keeps its few variables in
    /// registers: lines are only 8 to 32 floats for the model zoo, so per-line overhead decides the speed.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void CopyLines(float* source, nint sourceStep, int pixelStride, float* destination, nint destinationStep, int lineCount, int length)
    {
        if (pixelStride == 1 && Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            // A ragged end is covered by one more vector ending exactly at the line's end; it rewrites a few floats
            // already copied with the same values, harmless because image and columns never overlap.
            int last = length - Vector256<float>.Count;
            for (int line = 0; line < lineCount; line++, source += sourceStep, destination += destinationStep)
            {
                for (int index = 0; index < last; index += Vector256<float>.Count)
                {
                    Vector256.Load(source + index).Store(destination + index);
                }

                Vector256.Load(source + last).Store(destination + last);
            }

            return;
        }

        for (int line = 0; line < lineCount; line++, source += sourceStep, destination += destinationStep)
        {
            float* pixel = source;
            for (int index = 0; index < length; index++, pixel += pixelStride)
            {
                destination[index] = *pixel;
            }
        }
    }

    /// <summary>The adjoint of <see cref="CopyLines"/>: adds each line into the image at its strided pixels.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void AddLines(float* source, nint sourceStep, float* destination, nint destinationStep, int pixelStride, int lineCount, int length)
    {
        for (int line = 0; line < lineCount; line++, source += sourceStep, destination += destinationStep)
        {
            int index = 0;
            if (pixelStride == 1 && Vector256.IsHardwareAccelerated)
            {
                for (; index <= length - Vector256<float>.Count; index += Vector256<float>.Count)
                {
                    (Vector256.Load(destination + index) + Vector256.Load(source + index)).Store(destination + index);
                }
            }

            float* pixel = destination + (nint)index * pixelStride;
            for (; index < length; index++, pixel += pixelStride)
            {
                *pixel += source[index];
            }
        }
    }

    // Lines that start or end in horizontal padding: zero the columns before first and from end on.
    private static unsafe void ClearPaddingColumns(float* lines, int lineStep, int lineCount, int first, int end)
    {
        for (int line = 0; line < lineCount; line++, lines += lineStep)
        {
            ClearRun(lines, first);
            ClearRun(lines + end, lineStep - end);
        }
    }

    private static unsafe void ClearRun(float* destination, int length)
    {
        new Span<float>(destination, length).Clear();
    }

    /// <summary>
    /// The outputs [first, end) along one axis whose input position <c>o·stride − padding + kernelOffset</c> lies
    /// inside the image; the rest read padding.
    /// </summary>
    private static (int First, int End) ValidOutputRange(int outputSize, int size, int stride, int padding, int kernelOffset)
    {
        int offset = padding - kernelOffset;
        if (stride == 1)
        {
            // The common case, without the two integer divisions that would otherwise dominate short rows.
            int unitEnd = Math.Clamp(size + offset, 0, outputSize);
            return (Math.Min(Math.Max(offset, 0), unitEnd), unitEnd);
        }

        int first = offset <= 0 ? 0 : (offset + stride - 1) / stride;
        int last = size - 1 + offset;
        int end = last < 0 ? 0 : Math.Min(outputSize, last / stride + 1);
        return (Math.Min(first, end), end);
    }
}
