using FedSharp.Learning.Kernels;

namespace FedSharp.Learning.Tests.Kernels;

public sealed class Im2ColTests
{
    // channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth
    public static TheoryData<int, int, int, int, int, int, int, int, int> Geometries() => new()
    {
        { 1, 28, 28, 5, 5, 1, 1, 0, 0 },
        { 6, 12, 12, 5, 5, 1, 1, 0, 0 },
        { 3, 32, 32, 5, 5, 1, 1, 2, 2 },
        { 2, 7, 9, 3, 3, 1, 1, 1, 1 },
        { 2, 7, 9, 3, 2, 2, 3, 1, 2 },
        { 3, 8, 8, 3, 3, 2, 2, 0, 0 },
        { 1, 5, 6, 1, 1, 1, 1, 0, 0 },
        { 1, 4, 4, 4, 4, 1, 1, 0, 0 },
        { 2, 3, 4, 5, 6, 1, 2, 2, 3 },
        { 1, 1, 1, 3, 3, 1, 1, 1, 1 },
        { 4, 11, 5, 2, 4, 3, 1, 0, 3 },
        { 1, 2, 1, 1, 5, 1, 3, 0, 2 },
    };

    [Fact]
    public void OutputSize_LeNetGeometry_ReturnsConvolutionExtent()
    {
        Assert.Equal(24, Im2Col.OutputSize(28, 5, 1, 0));
        Assert.Equal(32, Im2Col.OutputSize(32, 5, 1, 2));
        Assert.Equal(4, Im2Col.OutputSize(8, 3, 2, 1));
    }

    [Fact]
    public void Forward_SmallImageWithPadding_ReturnsKnownColumns()
    {
        // 2×2 image [1 2; 3 4], 2×2 kernel, padding 1, stride 1 → 3×3 outputs per kernel offset.
        float[] image = [1f, 2f, 3f, 4f];
        float[] columns = new float[4 * 9];

        Im2Col.Forward(image, 1, 2, 2, 2, 2, 1, 1, 1, 1, columns, 9);

        float[] expected =
        [
            0, 0, 0, 0, 1, 2, 0, 3, 4, // kernel (0, 0)
            0, 0, 0, 1, 2, 0, 3, 4, 0, // kernel (0, 1)
            0, 1, 2, 0, 3, 4, 0, 0, 0, // kernel (1, 0)
            1, 2, 0, 3, 4, 0, 0, 0, 0, // kernel (1, 1)
        ];
        Assert.Equal(expected, columns);
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Forward_Geometries_MatchesScalarTwin(int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth)
    {
        var random = new Random(17);
        float[] image = RandomValues(random, channels * height * width);
        int pixels = Im2Col.OutputSize(height, kernelHeight, strideHeight, paddingHeight) * Im2Col.OutputSize(width, kernelWidth, strideWidth, paddingWidth);
        int rows = channels * kernelHeight * kernelWidth;
        float[] expected = RandomValues(random, rows * pixels);
        float[] actual = RandomValues(random, rows * pixels);

        Im2ColScalar.Forward(image, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, expected, pixels);
        Im2Col.Forward(image, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, actual, pixels);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Backward_Geometries_MatchesScalarTwin(int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth)
    {
        var random = new Random(19);
        int pixels = Im2Col.OutputSize(height, kernelHeight, strideHeight, paddingHeight) * Im2Col.OutputSize(width, kernelWidth, strideWidth, paddingWidth);
        float[] columns = RandomValues(random, channels * kernelHeight * kernelWidth * pixels);
        float[] expected = RandomValues(random, channels * height * width);
        float[] actual = RandomValues(random, channels * height * width);

        Im2ColScalar.Backward(columns, pixels, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, expected);
        Im2Col.Backward(columns, pixels, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, actual);

        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"Image gradient {i} is {actual[i]}, scalar twin says {expected[i]}.");
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Backward_Geometries_IsAdjointOfForward(int channels, int height, int width, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int paddingHeight, int paddingWidth)
    {
        // ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩ for every x and y holds only if col2im is exactly the transpose of im2col.
        var random = new Random(23);
        int pixels = Im2Col.OutputSize(height, kernelHeight, strideHeight, paddingHeight) * Im2Col.OutputSize(width, kernelWidth, strideWidth, paddingWidth);
        int rows = channels * kernelHeight * kernelWidth;
        float[] x = RandomValues(random, channels * height * width);
        float[] y = RandomValues(random, rows * pixels);
        float[] columns = new float[rows * pixels];
        float[] folded = new float[x.Length];

        Im2Col.Forward(x, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, columns, pixels);
        Im2Col.Backward(y, pixels, channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, paddingHeight, paddingWidth, folded);

        double left = Dot(columns, y), right = Dot(x, folded);
        Assert.True(Math.Abs(left - right) <= 1e-4 * (1 + Math.Abs(left)), $"⟨im2col(x), y⟩ = {left} but ⟨x, col2im(y)⟩ = {right}.");
    }

    [Fact]
    public void Forward_SecondImageOfWideBatchMatrix_FillsOnlyItsOwnColumns()
    {
        var random = new Random(29);
        const int Pixels = 24 * 24, Batch = 3;
        float[] image = RandomValues(random, 28 * 28);
        float[] wide = new float[25 * Batch * Pixels];
        Array.Fill(wide, float.NaN);
        float[] single = new float[25 * Pixels];

        Im2Col.Forward(image, 1, 28, 28, 5, 5, 1, 1, 0, 0, wide.AsSpan(Pixels), Batch * Pixels);
        Im2ColScalar.Forward(image, 1, 28, 28, 5, 5, 1, 1, 0, 0, single, Pixels);

        for (int row = 0; row < 25; row++)
        {
            Assert.Equal(single.AsSpan(row * Pixels, Pixels).ToArray(), wide.AsSpan(row * Batch * Pixels + Pixels, Pixels).ToArray());
            Assert.All(wide.AsSpan(row * Batch * Pixels, Pixels).ToArray(), value => Assert.True(float.IsNaN(value)));
            Assert.All(wide.AsSpan(row * Batch * Pixels + 2 * Pixels, Pixels).ToArray(), value => Assert.True(float.IsNaN(value)));
        }
    }

    [Fact]
    public void ForwardAndBackward_AfterWarmUp_AllocateNothing()
    {
        var random = new Random(31);
        float[] image = RandomValues(random, 6 * 12 * 12);
        float[] columns = new float[150 * 64];
        float[] gradient = new float[image.Length];
        Im2Col.Forward(image, 6, 12, 12, 5, 5, 1, 1, 0, 0, columns, 64);
        Im2Col.Backward(columns, 64, 6, 12, 12, 5, 5, 1, 1, 0, 0, gradient);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Im2Col.Forward(image, 6, 12, 12, 5, 5, 1, 1, 0, 0, columns, 64);
        Im2Col.Backward(columns, 64, 6, 12, 12, 5, 5, 1, 1, 0, 0, gradient);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Forward_ColumnsTooShort_ThrowsNamingTheColumns()
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => Im2Col.Forward(new float[16], 1, 4, 4, 3, 3, 1, 1, 0, 0, new float[35], 4));

        Assert.Contains("columns span", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_RowStrideBelowOutputPixels_Throws()
    {
        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(() => Im2Col.Forward(new float[16], 1, 4, 4, 3, 3, 1, 1, 0, 0, new float[64], 3));

        Assert.Contains("row stride 3", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backward_ImageGradientTooShort_ThrowsNamingTheImage()
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => Im2Col.Backward(new float[36], 4, 1, 4, 4, 3, 3, 1, 1, 0, 0, new float[15]));

        Assert.Contains("image span", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputSize_KernelLargerThanPaddedInput_Throws()
    {
        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(() => Im2Col.OutputSize(3, 6, 1, 1));

        Assert.Contains("does not fit", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputSize_ZeroStride_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Im2Col.OutputSize(8, 3, 0, 0));
    }

    private static double Dot(float[] x, float[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += (double)x[i] * y[i];
        }

        return sum;
    }

    private static float[] RandomValues(Random random, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
