using FedSharp.Learning.Kernels;
using FedSharp.Learning.Layers;

namespace FedSharp.Learning.Optimizers;

/// <summary>
/// SCAFFOLD's corrected local step (Karimireddy et al., 2020), as NIID-Bench runs it: the inner optimizer steps on the
/// loss gradient, then every parameter moves by −η·(c − cᵢ), c being the server's control variate and cᵢ the
/// device's. With plain SGD this is a step on the corrected gradient g − cᵢ + c; with momentum or weight decay the
/// correction bypasses them, as in NIID-Bench's <c>net_para[key] − args.lr·(c_global − c_local)</c> after
/// <c>optimizer.step()</c>.
/// </summary>
public sealed class ScaffoldOptimizer : IOptimizer
{
    private readonly IOptimizer _inner;
    private readonly Parameter[] _parameters;
    private readonly ReadOnlyMemory<float>[] _serverControl;
    private readonly ReadOnlyMemory<float>[] _clientControl;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The optimizer that steps the parameters on the loss gradient.</param>
    /// <param name="parameters">The parameters <paramref name="inner"/> updates.</param>
    /// <param name="serverControl">c, one span per parameter in the same order and of the same length; not copied.</param>
    /// <param name="clientControl">cᵢ, likewise.</param>
    /// <param name="learningRate">η, the local learning rate, finite and greater than 0.</param>
    /// <exception cref="ArgumentException">A control variate does not match the parameters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not finite and positive.</exception>
    public ScaffoldOptimizer(IOptimizer inner, IReadOnlyList<Parameter> parameters, IReadOnlyList<ReadOnlyMemory<float>> serverControl, IReadOnlyList<ReadOnlyMemory<float>> clientControl, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(serverControl);
        ArgumentNullException.ThrowIfNull(clientControl);
        if (!(learningRate > 0f) || !float.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"SCAFFOLD's local learning rate is {learningRate}; it must be finite and greater than 0.");
        }

        CheckControl(parameters, serverControl, nameof(serverControl));
        CheckControl(parameters, clientControl, nameof(clientControl));
        _inner = inner;
        _parameters = [.. parameters];
        _serverControl = [.. serverControl];
        _clientControl = [.. clientControl];
        LearningRate = learningRate;
    }

    /// <summary>η, the step size of the correction.</summary>
    public float LearningRate { get; }

    /// <inheritdoc />
    public void Step()
    {
        _inner.Step();
        for (int i = 0; i < _parameters.Length; i++)
        {
            // w += (c − cᵢ)·(−η): the proximal kernel's subtract-then-scale, which rounds as NIID-Bench's w − η·(c − cᵢ).
            ProximalGradient.Add(-LearningRate, _serverControl[i].Span, _clientControl[i].Span, _parameters[i].Value.Span);
        }
    }

    /// <inheritdoc />
    public void Reset() => _inner.Reset();

    /// <summary>
    /// The device's control-variate update after <paramref name="steps"/> local steps (option II):
    /// cᵢ⁺ = cᵢ − c + (w_global − w_local)/(K·η), and the change Δcᵢ = cᵢ⁺ − cᵢ it reports, in float32 as NIID-Bench.
    /// </summary>
    /// <param name="clientControl">cᵢ before training.</param>
    /// <param name="serverControl">c, from the plan.</param>
    /// <param name="global">w_global, the model training started from.</param>
    /// <param name="local">w_local, the weights after training.</param>
    /// <param name="steps">K, the number of local steps; 1 or more.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="nextClientControl">Receives cᵢ⁺; may be <paramref name="clientControl"/>'s storage only if <paramref name="delta"/> is written first, so keep them apart.</param>
    /// <param name="delta">Receives Δcᵢ.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is less than 1.</exception>
    public static void UpdateClientControl(
        ReadOnlySpan<float> clientControl, ReadOnlySpan<float> serverControl, ReadOnlySpan<float> global, ReadOnlySpan<float> local, int steps, float learningRate, Span<float> nextClientControl, Span<float> delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        int length = clientControl.Length;
        if (serverControl.Length != length || global.Length != length || local.Length != length || nextClientControl.Length != length || delta.Length != length)
        {
            throw new ArgumentException($"SCAFFOLD's control-variate update needs spans of one length; got cᵢ {length}, c {serverControl.Length}, w_global {global.Length}, w_local {local.Length}, cᵢ⁺ {nextClientControl.Length}, Δcᵢ {delta.Length}.");
        }

        float scale = (float)(steps * (double)learningRate);
        for (int i = 0; i < length; i++)
        {
            float next = (clientControl[i] - serverControl[i]) + ((global[i] - local[i]) / scale);
            delta[i] = next - clientControl[i];
            nextClientControl[i] = next;
        }
    }

    private static void CheckControl(IReadOnlyList<Parameter> parameters, IReadOnlyList<ReadOnlyMemory<float>> control, string name)
    {
        if (control.Count != parameters.Count)
        {
            throw new ArgumentException($"The control variate has {control.Count} tensors but the model has {parameters.Count} parameters; give one per parameter, in order.", name);
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            if (control[i].Length != parameters[i].Value.Length)
            {
                throw new ArgumentException($"Control-variate tensor {i} has {control[i].Length} values but parameter '{parameters[i].Name}' has {parameters[i].Value.Length}.", name);
            }
        }
    }
}
