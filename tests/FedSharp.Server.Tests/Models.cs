using FedSharp.Core.Models;

namespace FedSharp.Server.Tests;

/// <summary>Small models for tests: a 2×2 weight and a 2-value bias.</summary>
internal static class Models
{
    public static ModelParameters Create(params float[] values)
    {
        if (values.Length != 6)
        {
            throw new ArgumentException("The test model has 6 values: 4 weights then 2 biases.", nameof(values));
        }

        return new ModelParameters(
        [
            new ParameterTensor("fc.weight", [2, 2], values[..4]),
            new ParameterTensor("fc.bias", [2], values[4..]),
        ]);
    }

    public static ModelParameters Filled(float value) => Create(value, value, value, value, value, value);

    public static float[] Flatten(ModelParameters model) => [.. model.Tensors.SelectMany(t => t.Values)];
}
