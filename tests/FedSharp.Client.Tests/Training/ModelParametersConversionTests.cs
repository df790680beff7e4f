using FedSharp.Client.Training;
using FedSharp.Core.Models;
using FedSharp.Learning.Models;
using FedSharp.Learning.Tensors;

namespace FedSharp.Client.Tests.Training;

public sealed class ModelParametersConversionTests
{
    [Fact]
    public void ToModelParameters_ThenImportIntoAnotherModel_IsBitExact()
    {
        Sequential source = ModelZoo.Create(ModelZoo.SimpleCnn, seed: 1);
        Sequential target = ModelZoo.Create(ModelZoo.SimpleCnn, seed: 2);
        IReadOnlyList<NamedTensor> exported = source.ExportParameters();
        // A NaN with a payload and a negative zero must survive too, not only ordinary values.
        exported[0].Values[0] = BitConverter.Int32BitsToSingle(0x7FC0_1234);
        exported[0].Values[1] = -0f;

        ModelParameters parameters = ModelParametersConversion.ToModelParameters(exported);
        target.ImportParameters(ModelParametersConversion.ToNamedTensors(parameters));

        IReadOnlyList<NamedTensor> roundTripped = target.ExportParameters();
        Assert.Equal(exported.Count, roundTripped.Count);
        for (int i = 0; i < exported.Count; i++)
        {
            Assert.Equal(exported[i].Name, roundTripped[i].Name);
            Assert.Equal(exported[i].Shape.ToArray(), roundTripped[i].Shape.ToArray());
            Assert.Equal(exported[i].Values.Select(BitConverter.SingleToInt32Bits), roundTripped[i].Values.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void ToModelParameters_KeepsNamesShapesAndOrder()
    {
        Sequential model = ModelZoo.Create(ModelZoo.Mlp2nn, seed: 3);

        ModelParameters parameters = ModelParametersConversion.ToModelParameters(model.ExportParameters());

        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"], parameters.Tensors.Select(t => t.Name));
        Assert.Equal([200, 784], parameters[0].Shape.ToArray());
        Assert.Equal(model.ParameterCount, parameters.TotalLength);
    }

    [Fact]
    public void DescribeLayoutDifference_WrongShape_NamesPositionAndBothShapes()
    {
        ModelParameters expected = Layout(("w", [2, 3]), ("b", [3]));
        ModelParameters given = Layout(("w", [3, 2]), ("b", [3]));

        string? difference = ModelParametersConversion.DescribeLayoutDifference(expected, given);

        Assert.Equal("tensor 0 is w[3, 2] but the model expects w[2, 3] there", difference);
    }

    [Fact]
    public void DescribeLayoutDifference_MissingTensor_CountsBoth()
    {
        ModelParameters expected = Layout(("w", [2, 3]), ("b", [3]));
        ModelParameters given = Layout(("w", [2, 3]));

        string? difference = ModelParametersConversion.DescribeLayoutDifference(expected, given);

        Assert.Equal("1 tensors were given but the model has 2 (w[2, 3], b[3])", difference);
    }

    [Fact]
    public void DescribeLayoutDifference_SameLayout_IsNull()
    {
        Assert.Null(ModelParametersConversion.DescribeLayoutDifference(Layout(("w", [2])), Layout(("w", [2]))));
    }

    private static ModelParameters Layout(params (string Name, int[] Shape)[] tensors)
        => new(tensors.Select(t => new ParameterTensor(t.Name, t.Shape, new float[t.Shape.Aggregate(1, (a, b) => a * b)])));
}
