namespace FedSharp.Learning.Layers;

/// <summary>
/// An element-wise function a <see cref="Linear"/> or <see cref="Conv2d"/> layer applies to its output in the same
/// pass that adds the bias, saving the separate layer's extra read and write of every activation and gradient.
/// </summary>
public enum Activation
{
    /// <summary>No function: the layer outputs x·W + b.</summary>
    Identity,

    /// <summary>max(x·W + b, 0), exactly as a following <see cref="ReLU"/> layer would compute it.</summary>
    ReLU,
}
