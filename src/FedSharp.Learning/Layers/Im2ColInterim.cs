using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace FedSharp.Learning.Layers;

/// <summary>
/// Stand-in for <c>FedSharp.Learning.Kernels.Im2Col</c> with the same signatures, used until that kernel lands;
/// call sites move to it unchanged.
/// </summary>
internal static class Im2ColInterim
{
    /// <summary>The output length of a convolution along one axis: ⌊(size + 2·padding − kernel)/stride⌋ + 1.</summary>
    public static int OutputSize(int size, int kernel, int stride, int padding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        int padded = size + 2 * padding;
        if (padded < kernel)
        {
            throw new ArgumentException($"A kernel of {kernel} does not fit in size {size} with padding {padding}; reduce the kernel or add padding.", nameof(kernel));
        }

        return (padded - kernel) / stride + 1;
    }

    /// <summary>
    /// Lays out every receptive field of one [C, H, W] image as a column: row (c·kh + ky)·kw + kx, column
    /// oy·outW + ox, at <c>columns[row · columnsRowStride + column]</c>. Padding reads as zero.
    /// </summary>
    public static void Forward(
        ReadOnlySpan<float> image, int channels, int height, int width,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth,
        Span<float> columns, int columnsRowStride)
    {
        int outHeight = OutputSize(height, kernelHeight, strideHeight, paddingHeight);
        int outWidth = OutputSize(width, kernelWidth, strideWidth, paddingWidth);
        Validate(image.Length, channels, height, width, kernelHeight, kernelWidth, outHeight, outWidth, columns.Length, columnsRowStride);
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = image.Slice(c * height * width, height * width);
            for (int ky = 0; ky < kernelHeight; ky++)
            {
                for (int kx = 0; kx < kernelWidth; kx++, row++)
                {
                    Span<float> destination = columns.Slice(row * columnsRowStride, outHeight * outWidth);
                    for (int oy = 0; oy < outHeight; oy++)
                    {
                        int iy = oy * strideHeight - paddingHeight + ky;
                        Span<float> outRow = destination.Slice(oy * outWidth, outWidth);
                        if ((uint)iy >= (uint)height)
                        {
                            outRow.Clear();
                            continue;
                        }

                        ReadOnlySpan<float> inRow = plane.Slice(iy * width, width);
                        if (strideWidth == 1)
                        {
                            // Stride 1 reads a contiguous run of the input row; only the padded ends are zeros.
                            (int first, int end) = ValidRange(outWidth, width, paddingWidth, kx);
                            outRow[..first].Clear();
                            inRow.Slice(first - paddingWidth + kx, end - first).CopyTo(outRow[first..]);
                            outRow[end..].Clear();
                            continue;
                        }

                        for (int ox = 0; ox < outWidth; ox++)
                        {
                            int ix = ox * strideWidth - paddingWidth + kx;
                            outRow[ox] = (uint)ix < (uint)width ? inRow[ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// col2im: the adjoint of <see cref="Forward"/>. Overwrites <paramref name="imageGradient"/> with the sum of every
    /// column entry that was read from each pixel; entries that fell in the padding are dropped.
    /// </summary>
    public static void Backward(
        ReadOnlySpan<float> columns, int columnsRowStride, int channels, int height, int width,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth,
        Span<float> imageGradient)
    {
        int outHeight = OutputSize(height, kernelHeight, strideHeight, paddingHeight);
        int outWidth = OutputSize(width, kernelWidth, strideWidth, paddingWidth);
        Validate(imageGradient.Length, channels, height, width, kernelHeight, kernelWidth, outHeight, outWidth, columns.Length, columnsRowStride);
        imageGradient[..(channels * height * width)].Clear();
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            Span<float> plane = imageGradient.Slice(c * height * width, height * width);
            for (int ky = 0; ky < kernelHeight; ky++)
            {
                for (int kx = 0; kx < kernelWidth; kx++, row++)
                {
                    ReadOnlySpan<float> source = columns.Slice(row * columnsRowStride, outHeight * outWidth);
                    for (int oy = 0; oy < outHeight; oy++)
                    {
                        int iy = oy * strideHeight - paddingHeight + ky;
                        if ((uint)iy >= (uint)height)
                        {
                            continue;
                        }

                        Span<float> inRow = plane.Slice(iy * width, width);
                        ReadOnlySpan<float> outRow = source.Slice(oy * outWidth, outWidth);
                        if (strideWidth == 1)
                        {
                            (int first, int end) = ValidRange(outWidth, width, paddingWidth, kx);
                            Span<float> target = inRow.Slice(first - paddingWidth + kx, end - first);
                            TensorPrimitives.Add(target, outRow[first..end], target);
                            continue;
                        }

                        for (int ox = 0; ox < outWidth; ox++)
                        {
                            int ix = ox * strideWidth - paddingWidth + kx;
                            if ((uint)ix < (uint)width)
                            {
                                inRow[ix] += outRow[ox];
                            }
                        }
                    }
                }
            }
        }
    }

    // The output columns [first, end) whose input column ox − padding + kx lies inside [0, width), for stride 1.
    private static (int First, int End) ValidRange(int outWidth, int width, int padding, int kx)
    {
        int first = Math.Clamp(padding - kx, 0, outWidth);
        int end = Math.Clamp(width + padding - kx, first, outWidth);
        return (first, end);
    }

    private static void Validate(
        int imageLength, int channels, int height, int width, int kernelHeight, int kernelWidth,
        int outHeight, int outWidth, int columnsLength, int columnsRowStride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (imageLength < channels * height * width)
        {
            throw new ArgumentException($"The image span holds {imageLength} values but [{channels}, {height}, {width}] needs {channels * height * width}.", nameof(imageLength));
        }

        int rows = channels * kernelHeight * kernelWidth;
        int columnCount = outHeight * outWidth;
        if (columnsRowStride < columnCount)
        {
            throw new ArgumentOutOfRangeException(nameof(columnsRowStride), $"The column row stride {columnsRowStride} is below the {columnCount} output positions; it must be at least that.");
        }

        if ((long)(rows - 1) * columnsRowStride + columnCount > columnsLength)
        {
            throw new ArgumentException(
                $"The columns span holds {columnsLength} values but {rows} rows of {columnCount} with stride {columnsRowStride} need {(long)(rows - 1) * columnsRowStride + columnCount}.",
                nameof(columnsLength));
        }
    }
}
