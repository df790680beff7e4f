namespace FedSharp.Learning.Kernels;

/// <summary>Validates im2col/col2im arguments once, so both twins can index without further checks.</summary>
internal static class Im2ColArguments
{
    /// <summary>Checks every size and returns the output height and width of the convolution.</summary>
    public static (int OutputHeight, int OutputWidth) Validate(
        int imageLength, int channels, int height, int width,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth,
        int columnsLength, int columnsRowStride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        int outputHeight = Im2Col.OutputSize(height, kernelHeight, strideHeight, paddingHeight);
        int outputWidth = Im2Col.OutputSize(width, kernelWidth, strideWidth, paddingWidth);

        long imageSize = (long)channels * height * width;
        if (imageLength < imageSize)
        {
            throw new ArgumentException(
                $"The image span holds {imageLength} floats but {channels}×{height}×{width} needs {imageSize}; pass one whole NCHW image.",
                nameof(imageLength));
        }

        long outputPixels = (long)outputHeight * outputWidth;
        if (columnsRowStride < outputPixels)
        {
            throw new ArgumentOutOfRangeException(
                nameof(columnsRowStride),
                $"The columns row stride {columnsRowStride} is below the {outputHeight}×{outputWidth} = {outputPixels} output pixels of one row; use a stride of at least {outputPixels}.");
        }

        long rows = (long)channels * kernelHeight * kernelWidth;
        long needed = (rows - 1) * columnsRowStride + outputPixels;
        if (columnsLength < needed)
        {
            throw new ArgumentException(
                $"The columns span holds {columnsLength} floats but {rows} rows of {outputPixels} with row stride {columnsRowStride} need {needed}; slice the column matrix at this image's offset with enough room.",
                nameof(columnsLength));
        }

        return (outputHeight, outputWidth);
    }
}
