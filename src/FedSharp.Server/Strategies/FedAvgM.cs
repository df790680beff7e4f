namespace FedSharp.Server.Strategies;

/// <summary>
/// FedAvg with server momentum (Hsu, Qi and Brown, 2019): with Δ = mean − w, the server keeps m ← β·m + Δ and moves
/// w ← w + η·m (Hsu et al. write v = −m and η = 1). m starts at 0, so the first step is η·Δ; β = 0 and η = 1 is FedAvg.
/// </summary>
public sealed class FedAvgM : FedOpt
{
    private static readonly string[] s_stateNames = ["momentum"];
    private readonly double _momentum;

    /// <summary>Creates the strategy over <paramref name="inner"/>'s mean with η and β from <paramref name="options"/>.</summary>
    /// <param name="inner">The strategy whose aggregate is the mean, usually <see cref="FedAvg"/>.</param>
    /// <param name="options">η (<see cref="ServerOptimizerOptions.LearningRate"/>) and β (<see cref="ServerOptimizerOptions.Momentum"/>).</param>
    public FedAvgM(IStrategy inner, ServerOptimizerOptions options)
        : base(inner, options)
    {
        _momentum = options.Momentum;
    }

    /// <summary>The momentum β.</summary>
    public double Momentum => _momentum;

    /// <inheritdoc />
    protected override IReadOnlyList<string> StateNames => s_stateNames;

    /// <inheritdoc />
    protected override void Step(ReadOnlySpan<float> global, Span<float> next, float[][] state)
    {
        Span<float> m = state[0].AsSpan(0, global.Length);
        double eta = LearningRate;
        for (int i = 0; i < global.Length; i++)
        {
            double delta = (double)next[i] - global[i];
            m[i] = (float)((_momentum * m[i]) + delta);
            next[i] = (float)(global[i] + (eta * m[i]));
        }
    }
}
