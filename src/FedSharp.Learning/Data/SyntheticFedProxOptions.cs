namespace FedSharp.Learning.Data;

/// <summary>
/// Parameters of FedProx's Synthetic(α, β) data (Li et al., MLSys 2020, §5.1 and <c>litian96/FedProx</c>
/// <c>data/synthetic_*/generate_synthetic.py</c>). α controls how much the devices' models differ, β how much their
/// inputs differ; the paper uses (0, 0), (0.5, 0.5) and (1, 1), plus an IID variant.
/// </summary>
public sealed class SyntheticFedProxOptions
{
    /// <summary>α ≥ 0: u_k ~ N(0, α) is the mean of device k's W_k and b_k. Default 1.</summary>
    public double Alpha { get; set; } = 1.0;

    /// <summary>β ≥ 0: B_k ~ N(0, β) is the mean of device k's input mean v_k. Default 1.</summary>
    public double Beta { get; set; } = 1.0;

    /// <summary>
    /// IID variant: one W, b ~ N(0, 1) shared by all devices and v_k = 0, so α and β are ignored. Default <see langword="false"/>.
    /// </summary>
    public bool Iid { get; set; }

    /// <summary>Number of devices (users), ≥ 1. Default 30, as in FedProx's generator.</summary>
    public int DeviceCount { get; set; } = 30;

    /// <summary>Input dimension, ≥ 1. Default 60.</summary>
    public int Dimension { get; set; } = 60;

    /// <summary>Number of classes, ≥ 2. Default 10.</summary>
    public int ClassCount { get; set; } = 10;

    /// <summary>μ of the lognormal device sizes, <c>int(lognormal(μ, σ)) + minimum</c>. Default 4.</summary>
    public double SizeLogMean { get; set; } = 4.0;

    /// <summary>σ ≥ 0 of the lognormal device sizes. Default 2.</summary>
    public double SizeLogSigma { get; set; } = 2.0;

    /// <summary>The fixed part of every device's size, ≥ 1. Default 50.</summary>
    public int MinSamplesPerDevice { get; set; } = 50;

    /// <summary>Upper bound of one device's size, guarding memory against the lognormal tail. Default 100,000.</summary>
    public int MaxSamplesPerDevice { get; set; } = 100_000;

    /// <summary>Checks the options; called by <see cref="SyntheticFedProx.Generate"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (!(Alpha >= 0) || !(Beta >= 0) || double.IsInfinity(Alpha) || double.IsInfinity(Beta))
        {
            throw new ArgumentException($"Alpha ({Alpha}) and Beta ({Beta}) must be finite and ≥ 0, e.g. Synthetic(0.5, 0.5).", nameof(Alpha));
        }

        if (DeviceCount < 1 || Dimension < 1 || ClassCount < 2)
        {
            throw new ArgumentException($"{nameof(DeviceCount)} ({DeviceCount}) and {nameof(Dimension)} ({Dimension}) must be ≥ 1 and {nameof(ClassCount)} ({ClassCount}) ≥ 2.", nameof(DeviceCount));
        }

        if (!(SizeLogSigma >= 0) || double.IsInfinity(SizeLogMean) || double.IsNaN(SizeLogMean) || MinSamplesPerDevice < 1 || MaxSamplesPerDevice < MinSamplesPerDevice)
        {
            throw new ArgumentException(
                $"Device sizes need σ ≥ 0 ({SizeLogSigma}), a finite μ ({SizeLogMean}) and 1 ≤ {nameof(MinSamplesPerDevice)} ({MinSamplesPerDevice}) ≤ {nameof(MaxSamplesPerDevice)} ({MaxSamplesPerDevice}).",
                nameof(SizeLogSigma));
        }
    }
}
