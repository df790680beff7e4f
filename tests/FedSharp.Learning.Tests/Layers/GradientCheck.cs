using FedSharp.Learning.Layers;
using FedSharp.Learning.Tensors;

namespace FedSharp.Learning.Tests.Layers;

/// <summary>
/// Central finite differences of L = Σ r ⊙ layer(x) for a fixed random r, compared with the layer's backward pass
/// for every input value and every parameter value. L is summed in float64 so that rounding stays far below the
/// tolerance; inputs are chosen by each test away from kinks (ReLU at 0, ties in max pooling).
/// </summary>
internal static class GradientCheck
{
    public static void Assert(
        Layer layer, int[] inputShape, int batchSize, float[] input, int seed,
        Action? beforeEachForward = null, double epsilon = 1e-2, double absoluteTolerance = 2e-3, double relativeTolerance = 1e-2)
    {
        layer.Bind(inputShape);
        layer.ComputesInputGradient = true;
        layer.Reserve(batchSize);
        var x = new Tensor(input, [batchSize, .. inputShape]);
        var random = new Random(seed);
        var r = new Tensor(batchSize, layer.OutputSize);
        for (int i = 0; i < r.Length; i++)
        {
            r.Span[i] = (float)(random.NextDouble() * 2 - 1);
        }

        double Loss()
        {
            beforeEachForward?.Invoke();
            ReadOnlySpan<float> y = layer.Forward(x, batchSize, training: true).ReadOnlySpan;
            double sum = 0;
            for (int i = 0; i < r.Length; i++)
            {
                sum += (double)r.Span[i] * y[i];
            }

            return sum;
        }

        Loss();
        float[] inputGradient = layer.Backward(r, batchSize)!.ReadOnlySpan[..input.Length].ToArray();
        float[][] parameterGradients = layer.Parameters.Select(p => p.Gradient.ReadOnlySpan.ToArray()).ToArray();

        double Numeric(Span<float> values, int index)
        {
            float original = values[index];
            values[index] = (float)(original + epsilon);
            double plus = Loss();
            values[index] = (float)(original - epsilon);
            double minus = Loss();
            values[index] = original;
            return (plus - minus) / (2 * epsilon);
        }

        Compare("input", inputGradient, i => Numeric(x.Span, i), absoluteTolerance, relativeTolerance);
        for (int p = 0; p < layer.Parameters.Count; p++)
        {
            Parameter parameter = layer.Parameters[p];
            Compare(parameter.Name, parameterGradients[p], i => Numeric(parameter.Value.Span, i), absoluteTolerance, relativeTolerance);
        }
    }

    private static void Compare(string what, float[] analytic, Func<int, double> numeric, double absoluteTolerance, double relativeTolerance)
    {
        double largest = 0;
        for (int i = 0; i < analytic.Length; i++)
        {
            double expected = numeric(i);
            double error = Math.Abs(analytic[i] - expected);
            Xunit.Assert.True(
                error <= absoluteTolerance + relativeTolerance * Math.Abs(expected),
                $"d(loss)/d({what}[{i}]): backward gives {analytic[i]}, finite differences give {expected}.");
            largest = Math.Max(largest, Math.Abs(analytic[i]));
        }

        // A gradient that is zero everywhere would pass trivially; every checked tensor must carry signal.
        Xunit.Assert.True(largest > 1e-3, $"The gradient of {what} is zero everywhere; the check would prove nothing.");
    }

    public static float[] RandomValues(int length, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }

        return values;
    }
}
