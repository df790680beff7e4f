namespace FedSharp.Server.Strategies;

/// <summary>
/// FedYogi (Reddi et al., 2021, Algorithm 2): as <see cref="FedAdam"/> but v ← v − (1 − β₂)·Δ²·sign(v − Δ²), so v
/// grows or shrinks additively towards Δ² instead of decaying multiplicatively; v starts at τ².
/// </summary>
public sealed class FedYogi : FedOpt
{
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _tau;

    /// <summary>Creates the strategy over <paramref name="inner"/>'s mean.</summary>
    /// <param name="inner">The strategy whose aggregate is the mean, usually <see cref="FedAvg"/>.</param>
    /// <param name="options">η, β₁, β₂ and τ.</param>
    public FedYogi(IStrategy inner, ServerOptimizerOptions options)
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
            double square = delta * delta;
            m[i] = (float)((_beta1 * m[i]) + ((1 - _beta1) * delta));
            v[i] = (float)(v[i] - ((1 - _beta2) * square * Math.Sign(v[i] - square)));
            next[i] = AdaptiveMoments.Move(global[i], m[i], v[i], LearningRate, _tau);
        }
    }
}
