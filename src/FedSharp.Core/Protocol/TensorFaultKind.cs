namespace FedSharp.Core.Protocol;

/// <summary>What is wrong with a received list of tensors.</summary>
public enum TensorFaultKind
{
    /// <summary>A tensor's name is not part of the model.</summary>
    UnknownName,

    /// <summary>A tensor of the model is absent.</summary>
    MissingName,

    /// <summary>The same name appears more than once.</summary>
    DuplicateName,

    /// <summary>The declared shape differs from the model's.</summary>
    WrongShape,

    /// <summary>The byte length is not 4 × product(shape).</summary>
    WrongByteLength,

    /// <summary>A value is NaN or ±infinity.</summary>
    NonFinite,
}
