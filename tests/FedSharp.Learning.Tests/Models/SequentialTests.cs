using FedSharp.Learning.Layers;
using FedSharp.Learning.Models;
using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Tests.Models;

public sealed class SequentialTests
{
    [Fact]
    public void ImportParameters_ExportFromOtherSeed_RoundTripsBitExact()
    {
        Sequential source = ModelZoo.Create(ModelZoo.SimpleCnn, 1);
        Sequential target = ModelZoo.Create(ModelZoo.SimpleCnn, 2);
        IReadOnlyList<NamedTensor> exported = source.ExportParameters();
        exported[0].Values[0] = BitConverter.Int32BitsToSingle(0x7FC0_1234);
        exported[1].Values[0] = -0f;

        target.ImportParameters(exported);
        IReadOnlyList<NamedTensor> reimported = target.ExportParameters();

        Assert.Equal(exported.Count, reimported.Count);
        for (int i = 0; i < exported.Count; i++)
        {
            Assert.Equal(exported[i].Name, reimported[i].Name);
            Assert.Equal(exported[i].Shape.ToArray(), reimported[i].Shape.ToArray());
            Assert.Equal(exported[i].Values.Select(BitConverter.SingleToInt32Bits), reimported[i].Values.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void ExportParameters_ThenTrainModel_ExportIsACopy()
    {
        Sequential model = ModelZoo.Create(ModelZoo.LogisticRegression, 1);
        IReadOnlyList<NamedTensor> exported = model.ExportParameters();
        float before = exported[0].Values[0];

        model.Parameters[0].Value.Span[0] += 1f;

        Assert.Equal(before, exported[0].Values[0]);
    }

    [Fact]
    public void ImportParameters_WrongShape_ThrowsNamingTensorAndExpectedShape()
    {
        Sequential model = ModelZoo.Create(ModelZoo.SimpleCnn, 1);
        List<NamedTensor> tensors = [.. model.ExportParameters()];
        tensors[4] = new NamedTensor("fc1.weight", [120, 400], new float[48_000]);

        var error = Assert.Throws<ArgumentException>(() => model.ImportParameters(tensors));

        Assert.Contains("fc1.weight", error.Message);
        Assert.Contains("[120, 256]", error.Message);
    }

    [Fact]
    public void ImportParameters_SwappedOrder_ThrowsNamingExpectedTensor()
    {
        Sequential model = ModelZoo.Create(ModelZoo.SimpleCnn, 1);
        List<NamedTensor> tensors = [.. model.ExportParameters()];
        (tensors[0], tensors[1]) = (tensors[1], tensors[0]);

        var error = Assert.Throws<ArgumentException>(() => model.ImportParameters(tensors));

        Assert.Contains("'conv1.bias'", error.Message);
        Assert.Contains("'conv1.weight' with shape [6, 1, 5, 5]", error.Message);
    }

    [Fact]
    public void ImportParameters_WrongCountOrName_ThrowsAndLeavesModelUnchanged()
    {
        Sequential model = ModelZoo.Create(ModelZoo.LogisticRegression, 1);
        float before = model.Parameters[0].Value.Span[0];
        IReadOnlyList<NamedTensor> exported = model.ExportParameters();
        NamedTensor[] renamed = [new NamedTensor("linear.weight", [10, 784], new float[7840]), new NamedTensor("linear.b", [10], new float[10])];

        var countError = Assert.Throws<ArgumentException>(() => model.ImportParameters([exported[0]]));
        var nameError = Assert.Throws<ArgumentException>(() => model.ImportParameters(renamed));

        Assert.Contains("2 parameter tensors", countError.Message);
        Assert.Contains("'linear.bias'", nameError.Message);
        Assert.Equal(before, model.Parameters[0].Value.Span[0]);
    }

    [Fact]
    public void Constructor_DuplicateLayerNames_Throws()
    {
        var random = new Random(1);

        var error = Assert.Throws<ArgumentException>(() => new Sequential([4], new Linear("fc", 4, 4, random), new Linear("fc", 4, 2, random)));

        Assert.Contains("fc.weight", error.Message);
    }

    [Fact]
    public void Backward_FirstLayer_ComputesNoInputGradient()
    {
        Sequential model = ModelZoo.Create(ModelZoo.SimpleCnn, 1);

        Assert.False(model.Layers[0].ComputesInputGradient);
        Assert.All(model.Layers.Skip(1), layer => Assert.True(layer.ComputesInputGradient));
    }
}
