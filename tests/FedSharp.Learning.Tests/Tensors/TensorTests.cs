using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Tests.Tensors;

public sealed class TensorTests
{
    [Fact]
    public void Reshape_View_SharesBuffer()
    {
        var tensor = new Tensor(2, 3, 4);

        Tensor view = tensor.Reshape(6, 4);
        view.Span[5] = 7f;

        Assert.Equal(7f, tensor.Span[5]);
        Assert.Equal(new[] { 6, 4 }, view.Shape.ToArray());
        Assert.Equal(24, view.Length);
    }

    [Fact]
    public void Constructor_BufferLengthMismatch_ThrowsWithBothLengths()
    {
        var error = Assert.Throws<ArgumentException>(() => new Tensor(new float[5], 2, 3));

        Assert.Contains("6", error.Message);
        Assert.Contains("5", error.Message);
    }

    [Fact]
    public void Constructor_NegativeDimension_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Tensor(2, -1));
    }
}
