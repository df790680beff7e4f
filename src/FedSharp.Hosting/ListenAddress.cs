using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace FedSharp.Hosting;

/// <summary>
/// A <c>host:port</c> to listen on (<c>fedsharp.http_listen_address</c>): an IPv4 address, a bracketed IPv6 address,
/// <c>localhost</c> (IPv4 loopback) or <c>*</c> (every IPv4 interface); port 0 lets the system choose.
/// </summary>
/// <param name="Address">The interface to bind.</param>
/// <param name="Port">The port, 0 to 65535.</param>
public sealed record ListenAddress(IPAddress Address, int Port)
{
    /// <summary>Parses <c>127.0.0.1:6666</c>, <c>[::1]:6666</c>, <c>localhost:0</c> or <c>*:6666</c>.</summary>
    /// <param name="text">The address text.</param>
    /// <param name="address">The parsed address when the text is valid.</param>
    /// <param name="problem">Why the text is not valid and how to write it, when it is not.</param>
    /// <returns>True when the text is a valid listen address.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ListenAddress? address, [NotNullWhen(false)] out string? problem)
    {
        address = null;
        int colon = text?.LastIndexOf(':') ?? -1;
        if (text is null || colon <= 0 || colon == text.Length - 1)
        {
            problem = $"Listen address '{text}' is not host:port; write e.g. 127.0.0.1:6666, [::1]:6666, localhost:0 or *:6666.";
            return false;
        }

        string host = text[..colon];
        string portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > IPEndPoint.MaxPort)
        {
            problem = $"Listen address '{text}' has port '{portText}'; a port is a number from 0 (any free port) to {IPEndPoint.MaxPort}.";
            return false;
        }

        IPAddress? ip = host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" => IPAddress.Any,
            _ when host.StartsWith('[') && host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out IPAddress? v6) => v6,
            _ when !host.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(host, out IPAddress? v4) => v4,
            _ => null,
        };
        if (ip is null)
        {
            problem = $"Listen address '{text}' has host '{host}'; use an IP address (IPv6 in brackets), localhost or *.";
            return false;
        }

        address = new ListenAddress(ip, port);
        problem = null;
        return true;
    }
}
