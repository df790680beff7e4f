namespace FedSharp.Server.Strategies;

/// <summary>A strategy's verdict on one update before it is accumulated: accepted (possibly changed in place, e.g. clipped or decompressed), or refused with a reason the device is told.</summary>
/// <param name="Accepted">True when the update goes on to the accumulator.</param>
/// <param name="Reason">Why it was refused, naming the rule and the fix; empty when accepted.</param>
public sealed record UpdateReview(bool Accepted, string Reason)
{
    /// <summary>The update goes on as it now is.</summary>
    public static UpdateReview Accept { get; } = new(true, string.Empty);

    /// <summary>The update is refused; the device gets REQUEST_ERROR with <paramref name="reason"/>.</summary>
    /// <param name="reason">Why, naming the rule and the fix.</param>
    /// <returns>The refusal.</returns>
    public static UpdateReview Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new UpdateReview(false, reason);
    }
}
