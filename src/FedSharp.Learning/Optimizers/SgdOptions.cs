namespace FedSharp.Learning.Optimizers;

/// <summary>Hyper-parameters of <see cref="Sgd"/>, with PyTorch's meanings.</summary>
public sealed class SgdOptions
{
    /// <summary>The step size; greater than 0. Default 0.01 (NIID-Bench's setting).</summary>
    public float LearningRate { get; set; } = 0.01f;

    /// <summary>The momentum factor μ in [0, 1); 0 turns momentum off. Default 0.</summary>
    public float Momentum { get; set; }

    /// <summary>Dampening τ in [0, 1] applied to the gradient entering the momentum buffer. Default 0.</summary>
    public float Dampening { get; set; }

    /// <summary>The L2 penalty λ ≥ 0, added to the gradient as λ·θ before momentum. Default 0.</summary>
    public float WeightDecay { get; set; }

    /// <summary>Nesterov momentum; needs <see cref="Momentum"/> &gt; 0 and <see cref="Dampening"/> = 0. Default false.</summary>
    public bool Nesterov { get; set; }

    /// <summary>Throws, naming the option and its valid range, when a value is out of range.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0f) || !float.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), $"SGD learning rate {LearningRate} must be a finite number greater than 0.");
        }

        if (!(Momentum >= 0f && Momentum < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Momentum), $"SGD momentum {Momentum} must lie in [0, 1).");
        }

        if (!(Dampening >= 0f && Dampening <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Dampening), $"SGD dampening {Dampening} must lie in [0, 1].");
        }

        if (!(WeightDecay >= 0f) || !float.IsFinite(WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), $"SGD weight decay {WeightDecay} must be a finite number at least 0.");
        }

        if (Nesterov && (Momentum == 0f || Dampening != 0f))
        {
            throw new ArgumentException($"Nesterov momentum needs momentum > 0 and dampening 0 (got momentum {Momentum}, dampening {Dampening}); set both or turn Nesterov off.", nameof(Nesterov));
        }
    }
}
