namespace FedSharp.Server.Strategies;

/// <summary>
/// FedAdam (Reddi et al., 2021, Algorithm 2): with Δ = mean − x, m ← β₁·m + (1 − β₁)·Δ, v ← β₂·v + (1 − β₂)·Δ²,
/// x ← x + η·m / (√v + τ); m starts at 0 and v at τ², without bias correction, as in the paper.
/// </summary>
public sealed class FedAdam : FedOpt
{
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _tau;

    /// <summary>Creates the strategy over <paramref name="inner"/>'s mean.</summary>
    /// <param name="inner">The strategy whose aggregate is the mean, usually <see cref="FedAvg"/>.</param>
    /// <param name="options">η, β₁, β₂ and τ.</param>
    public FedAdam(IStrategy inner, ServerOptimizerOptions options)
        : base(inner, options)
    {
        (_beta1, _beta2, _tau) = (options.Beta1, options.Beta2, options.Tau);
    }

    /// <inheritdoc />
    protected override IReadOnlyList<string> StateNames => AdaptiveMoments.StateNames;

    /// <inheritdoc />
    protected override float InitialValue(int stateIndex) => AdaptiveMoments.InitialValue(stateIndex, _tau);

    /// <inheritdoc />
    protected override void Step(ReadOnlySpan<float> global, Span<float> next, float[][] state)
    {
        Span<float> m = state[0].AsSpan(0, global.Length);
        Span<float> v = state[1].AsSpan(0, global.Length);
        for (int i = 0; i < global.Length; i++)
        {
            double delta = (double)next[i] - global[i];
            m[i] = (float)((_beta1 * m[i]) + ((1 - _beta1) * delta));
            v[i] = (float)((_beta2 * v[i]) + ((1 - _beta2) * delta * delta));
            next[i] = AdaptiveMoments.Move(global[i], m[i], v[i], LearningRate, _tau);
        }
    }
}
