namespace FedSharp.Core.Protocol;

/// <summary>
/// Why a received list of tensors was refused. A server turns it into a REQUEST_ERROR reply whose reason is
/// <see cref="Message"/>.
/// </summary>
/// <param name="Kind">The rule that was broken.</param>
/// <param name="TensorName">The tensor at fault, as received or as the model names it.</param>
/// <param name="Message">A sentence naming the tensor, what was received and what the model expects.</param>
public sealed record TensorFault(TensorFaultKind Kind, string TensorName, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}
