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
    public void Backward_ConvNetWithLoss_ParameterGradientsMatchFiniteDifferences()
    {
        var random = new Random(31);
        var model = new Sequential(
            [1, 6, 6],
            new Conv2d("conv1", 1, 2, 3, random, padding: 1),
            new ReLU(),
            new MaxPool2d(2),
            new Flatten(),
            new Linear("fc1", 18, 4, random));
        const int Batch = 3;
        model.Reserve(Batch);
        var input = new Tensor(Layers.GradientCheck.RandomValues(Batch * 36, 32), Batch, 1, 6, 6);
        int[] labels = [0, 3, 1];
        var logitsGradient = new Tensor(Batch, 4);
        float Loss() => Losses.SoftmaxCrossEntropyTests.MeanLoss(model.Forward(input, Batch, training: true), labels, logitsGradient);

        Loss();
        model.Backward(logitsGradient, Batch);
        float[][] analytic = model.Parameters.Select(p => p.Gradient.ReadOnlySpan.ToArray()).ToArray();

        const float Epsilon = 1e-3f;
        for (int p = 0; p < model.Parameters.Count; p++)
        {
            Span<float> values = model.Parameters[p].Value.Span;
            for (int i = 0; i < values.Length; i++)
            {
                float original = values[i];
                values[i] = original + Epsilon;
                double plus = Loss();
                values[i] = original - Epsilon;
                double minus = Loss();
                values[i] = original;
                double numeric = (plus - minus) / (2 * Epsilon);
                Assert.True(
                    Math.Abs(analytic[p][i] - numeric) <= 1e-3 + 2e-2 * Math.Abs(numeric),
                    $"{model.Parameters[p].Name}[{i}]: backward {analytic[p][i]}, finite differences {numeric}");
            }
        }

        Assert.Contains(analytic[0], g => Math.Abs(g) > 1e-3);
    }

    [Fact]
    public void Backward_FirstLayer_ComputesNoInputGradient()
    {
        Sequential model = ModelZoo.Create(ModelZoo.SimpleCnn, 1);

        Assert.False(model.Layers[0].ComputesInputGradient);
        Assert.All(model.Layers.Skip(1), layer => Assert.True(layer.ComputesInputGradient));
    }
}
