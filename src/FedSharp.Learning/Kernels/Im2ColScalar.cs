namespace FedSharp.Learning.Kernels;

/// <summary>
/// The element-by-element twin of <see cref="Im2Col"/>, the test oracle for its row-copy implementation.
/// </summary>
public static class Im2ColScalar
{
    /// <summary>Writes the column matrix of one image; same contract as <see cref="Im2Col.Forward"/>.</summary>
    /// <param name="image">One image, channels×height×width.</param>
    /// <param name="channels">Input channels.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <param name="kernelHeight">Kernel height.</param>
    /// <param name="kernelWidth">Kernel width.</param>
    /// <param name="strideHeight">Vertical stride.</param>
    /// <param name="strideWidth">Horizontal stride.</param>
    /// <param name="paddingHeight">Zero rows above and below.</param>
    /// <param name="paddingWidth">Zero columns left and right.</param>
    /// <param name="columns">The destination column matrix.</param>
    /// <param name="columnsRowStride">Distance between rows of <paramref name="columns"/>.</param>
    public static void Forward(
        ReadOnlySpan<float> image, int channels, int height, int width,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth,
        Span<float> columns, int columnsRowStride)
    {
        (int outputHeight, int outputWidth) = Im2ColArguments.Validate(
            image.Length, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth,
            paddingHeight, paddingWidth, columns.Length, columnsRowStride);
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < kernelHeight; i++)
            {
                for (int j = 0; j < kernelWidth; j++)
                {
                    int row = (c * kernelHeight + i) * kernelWidth + j;
                    for (int oh = 0; oh < outputHeight; oh++)
                    {
                        for (int ow = 0; ow < outputWidth; ow++)
                        {
                            int y = oh * strideHeight - paddingHeight + i;
                            int x = ow * strideWidth - paddingWidth + j;
                            bool inside = y >= 0 && y < height && x >= 0 && x < width;
                            columns[row * columnsRowStride + oh * outputWidth + ow] = inside ? image[(c * height + y) * width + x] : 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Overwrites the image gradient with the folded column gradient; same contract as <see cref="Im2Col.Backward"/>.</summary>
    /// <param name="columns">Gradient of the column matrix.</param>
    /// <param name="columnsRowStride">Distance between rows of <paramref name="columns"/>.</param>
    /// <param name="channels">Input channels.</param>
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
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < kernelHeight; i++)
            {
                for (int j = 0; j < kernelWidth; j++)
                {
                    int row = (c * kernelHeight + i) * kernelWidth + j;
                    for (int oh = 0; oh < outputHeight; oh++)
                    {
                        for (int ow = 0; ow < outputWidth; ow++)
                        {
                            int y = oh * strideHeight - paddingHeight + i;
                            int x = ow * strideWidth - paddingWidth + j;
                            if (y >= 0 && y < height && x >= 0 && x < width)
                            {
                                imageGradient[(c * height + y) * width + x] += columns[row * columnsRowStride + oh * outputWidth + ow];
                            }
                        }
                    }
                }
            }
        }
    }
}
