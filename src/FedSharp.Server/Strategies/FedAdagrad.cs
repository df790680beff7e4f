namespace FedSharp.Server.Strategies;

/// <summary>
/// FedAdagrad (Reddi et al., 2021, Algorithm 2): as <see cref="FedAdam"/> but v ← v + Δ², the sum of every squared
/// pseudo-gradient since v started at τ² (no β₂).
/// </summary>
public sealed class FedAdagrad : FedOpt
{
    private readonly double _beta1;
    private readonly double _tau;

    /// <summary>Creates the strategy over <paramref name="inner"/>'s mean.</summary>
    /// <param name="inner">The strategy whose aggregate is the mean, usually <see cref="FedAvg"/>.</param>
    /// <param name="options">η, β₁ and τ.</param>
    public FedAdagrad(IStrategy inner, ServerOptimizerOptions options)
        : base(inner, options)
    {
        (_beta1, _tau) = (options.Beta1, options.Tau);
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
            v[i] = (float)(v[i] + (delta * delta));
            next[i] = AdaptiveMoments.Move(global[i], m[i], v[i], LearningRate, _tau);
        }
    }
}
