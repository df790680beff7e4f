namespace FedSharp.Learning.Layers;

/// <summary>
/// PyTorch's default initialisation for linear and convolution layers (their <c>reset_parameters</c>).
/// </summary>
internal static class DefaultInitialization
{
    /// <summary>
    /// Fills weight and bias from U(−1/√fan_in, 1/√fan_in), in that order, from <paramref name="random"/>.
    /// </summary>
    /// <remarks>
    /// PyTorch draws the weight by kaiming_uniform_(a = √5): bound = gain·√(3/fan_in) with gain = √(2/(1+a²)) = √(1/3),
    /// which is exactly 1/√fan_in, the same bound it uses for the bias.
    /// </remarks>
    public static void Fill(Span<float> weight, Span<float> bias, int fanIn, Random random)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        Uniform(weight, bound, random);
        Uniform(bias, bound, random);
    }

    private static void Uniform(Span<float> destination, double bound, Random random)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)((random.NextDouble() * 2.0 - 1.0) * bound);
        }
    }
}
