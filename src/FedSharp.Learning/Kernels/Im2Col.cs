using System.Numerics.Tensors;

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
    public static void Forward(
        ReadOnlySpan<float> image, int channels, int height, int width,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth,
        Span<float> columns, int columnsRowStride)
    {
        (int outputHeight, int outputWidth) = Im2ColArguments.Validate(
            image.Length, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth,
            paddingHeight, paddingWidth, columns.Length, columnsRowStride);

        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = image.Slice(c * height * width, height * width);
            for (int i = 0; i < kernelHeight; i++)
            {
                for (int j = 0; j < kernelWidth; j++, row++)
                {
                    Span<float> target = columns.Slice(row * columnsRowStride, outputHeight * outputWidth);
                    (int first, int end) = ValidOutputRange(outputWidth, width, strideWidth, paddingWidth, j);
                    for (int oh = 0; oh < outputHeight; oh++)
                    {
                        Span<float> line = target.Slice(oh * outputWidth, outputWidth);
                        int y = oh * strideHeight - paddingHeight + i;
                        if ((uint)y >= (uint)height || first >= end)
                        {
                            line.Clear();
                            continue;
                        }

                        ReadOnlySpan<float> source = plane.Slice(y * width, width);
                        line[..first].Clear();
                        line[end..].Clear();
                        int x = first * strideWidth - paddingWidth + j;
                        if (strideWidth == 1)
                        {
                            source.Slice(x, end - first).CopyTo(line[first..end]);
                        }
                        else
                        {
                            for (int ow = first; ow < end; ow++, x += strideWidth)
                            {
                                line[ow] = source[x];
                            }
                        }
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
    public static void Backward(
        ReadOnlySpan<float> columns, int columnsRowStride, int channels, int height, int width,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth,
        Span<float> imageGradient)
    {
        (int outputHeight, int outputWidth) = Im2ColArguments.Validate(
            imageGradient.Length, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth,
            paddingHeight, paddingWidth, columns.Length, columnsRowStride);

        imageGradient[..(channels * height * width)].Clear();
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            Span<float> plane = imageGradient.Slice(c * height * width, height * width);
            for (int i = 0; i < kernelHeight; i++)
            {
                for (int j = 0; j < kernelWidth; j++, row++)
                {
                    ReadOnlySpan<float> source = columns.Slice(row * columnsRowStride, outputHeight * outputWidth);
                    (int first, int end) = ValidOutputRange(outputWidth, width, strideWidth, paddingWidth, j);
                    if (first >= end)
                    {
                        continue;
                    }

                    for (int oh = 0; oh < outputHeight; oh++)
                    {
                        int y = oh * strideHeight - paddingHeight + i;
                        if ((uint)y >= (uint)height)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> line = source.Slice(oh * outputWidth, outputWidth);
                        Span<float> target = plane.Slice(y * width, width);
                        int x = first * strideWidth - paddingWidth + j;
                        if (strideWidth == 1)
                        {
                            Span<float> run = target.Slice(x, end - first);
                            TensorPrimitives.Add(run, line[first..end], run);
                        }
                        else
                        {
                            for (int ow = first; ow < end; ow++, x += strideWidth)
                            {
                                target[x] += line[ow];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The output columns [first, end) whose input column <c>ow·stride − padding + kernelColumn</c> lies inside the
    /// image; the rest read padding.
    /// </summary>
    private static (int First, int End) ValidOutputRange(int outputWidth, int width, int stride, int padding, int kernelColumn)
    {
        int offset = padding - kernelColumn;
        int first = offset <= 0 ? 0 : (offset + stride - 1) / stride;
        int last = width - 1 + offset;
        int end = last < 0 ? 0 : Math.Min(outputWidth, last / stride + 1);
        return (Math.Min(first, end), end);
    }
}
