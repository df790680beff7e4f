using System.Diagnostics.CodeAnalysis;

namespace FedSharp.Core.Protocol;

/// <summary>
/// The version carried in every request's <c>protocol_version</c> field and the rule for accepting it.
/// </summary>
/// <remarks>
/// Within one version the schema only grows: new fields get new numbers, no field is renumbered, retyped or
/// reused, and both sides ignore fields they do not know. A change that an old peer would misread (a new
/// meaning for an existing field, a new mandatory field) takes a new version; a server then accepts every
/// version from <see cref="MinimumSupported"/> to <see cref="Current"/>.
/// </remarks>
public static class ProtocolVersion
{
    /// <summary>The version this build speaks.</summary>
    public const uint Current = 1;

    /// <summary>The oldest version this build still accepts.</summary>
    public const uint MinimumSupported = 1;

    /// <summary>
    /// Decides whether a request of <paramref name="requested"/> version can be served; when it cannot,
    /// <paramref name="reason"/> is the text for a REQUEST_ERROR reply.
    /// </summary>
    /// <param name="requested">The request's <c>protocol_version</c>; 0 means the client did not set it.</param>
    /// <param name="reason">Why the version is refused and what to do about it; null when accepted.</param>
    /// <returns>True when the version is in [<see cref="MinimumSupported"/>, <see cref="Current"/>].</returns>
    public static bool IsSupported(uint requested, [NotNullWhen(false)] out string? reason)
    {
        if (requested == 0)
        {
            reason = $"The request has no protocol_version; set it to {Current} (the version this server speaks).";
            return false;
        }

        if (requested < MinimumSupported)
        {
            reason = $"Protocol version {requested} is no longer supported; this server accepts versions {MinimumSupported} to {Current}. Update the client.";
            return false;
        }

        if (requested > Current)
        {
            reason = $"Protocol version {requested} is newer than this server's ({MinimumSupported} to {Current}). Update the server or use a client that speaks version {Current}.";
            return false;
        }

        reason = null;
        return true;
    }
}
