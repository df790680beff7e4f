using FedSharp.Learning.Models;
using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Tests.Models;

public sealed class ModelZooTests
{
    [Theory]
    [InlineData(ModelZoo.LogisticRegression, 7_850)]
    [InlineData(ModelZoo.Mlp2nn, 199_210)]
    [InlineData(ModelZoo.SimpleCnn, 44_426)]
    [InlineData(ModelZoo.FemnistCnn, 6_603_710)]
    [InlineData(ModelZoo.LeNet5, 66_404)]
    public void Create_EveryModel_HasPublishedParameterCount(string name, long expected)
    {
        Sequential model = ModelZoo.Create(name, seed: 0);

        Assert.Equal(expected, model.ParameterCount);
    }

    [Fact]
    public void Create_SimpleCnn_HasPyTorchNamesAndShapes()
    {
        Sequential model = ModelZoo.Create(ModelZoo.SimpleCnn, seed: 0);

        string[] layout = model.ExportParameters().Select(t => t.ToString()).ToArray();

        Assert.Equal(
            new[]
            {
                "conv1.weight[6, 1, 5, 5]", "conv1.bias[6]", "conv2.weight[16, 6, 5, 5]", "conv2.bias[16]",
                "fc1.weight[120, 256]", "fc1.bias[120]", "fc2.weight[84, 120]", "fc2.bias[84]", "fc3.weight[10, 84]", "fc3.bias[10]",
            },
            layout);
    }

    [Theory]
    [InlineData(ModelZoo.LogisticRegression, new[] { 1, 28, 28 }, 10)]
    [InlineData(ModelZoo.Mlp2nn, new[] { 1, 28, 28 }, 10)]
    [InlineData(ModelZoo.SimpleCnn, new[] { 1, 28, 28 }, 10)]
    [InlineData(ModelZoo.FemnistCnn, new[] { 1, 28, 28 }, 62)]
    [InlineData(ModelZoo.LeNet5, new[] { 3, 32, 32 }, 62)]
    public void Forward_EveryModel_MapsInputShapeToClassLogits(string name, int[] inputShape, int classes)
    {
        Sequential model = ModelZoo.Create(name, seed: 1);
        model.Reserve(2);
        var input = new Tensor([2, .. inputShape]);
        input.Span.Fill(0.5f);

        Tensor logits = model.Forward(input, 2, training: false);

        Assert.Equal(inputShape, model.InputShape.ToArray());
        Assert.Equal(classes, model.OutputSize);
        Assert.All(logits.ReadOnlySpan[..(2 * classes)].ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Create_SameSeed_GivesBitIdenticalParameters()
    {
        float[] first = ModelZoo.Create(ModelZoo.SimpleCnn, 42).ExportParameters().SelectMany(t => t.Values).ToArray();
        float[] second = ModelZoo.Create(ModelZoo.SimpleCnn, 42).ExportParameters().SelectMany(t => t.Values).ToArray();
        float[] other = ModelZoo.Create(ModelZoo.SimpleCnn, 43).ExportParameters().SelectMany(t => t.Values).ToArray();

        Assert.Equal(first.Select(BitConverter.SingleToInt32Bits), second.Select(BitConverter.SingleToInt32Bits));
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Create_UnknownName_ThrowsListingValidNames()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelZoo.Create("resnet-18", 0));

        Assert.Contains("resnet-18", error.Message);
        Assert.All(ModelZoo.Names, name => Assert.Contains(name, error.Message));
    }
}
