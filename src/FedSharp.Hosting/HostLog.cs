using Microsoft.Extensions.Logging;

namespace FedSharp.Hosting;

/// <summary>Every log message of the host, as compiled logging methods.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Serving job '{FlName}' on {Addresses} (round routes under '{Prefix}/').")]
    public static partial void Listening(ILogger logger, string flName, string addresses, string prefix);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Round {Round} failed with an unexpected exception; the client received SYSTEM_ERROR.")]
    public static partial void RoundFaulted(ILogger logger, string round, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Refused {Method} {Path} with HTTP {Status}: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Stopped serving job '{FlName}'.")]
    public static partial void Stopped(ILogger logger, string flName);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "The TLS certificate '{Subject}' expires on {NotAfter:yyyy-MM-dd} ({Days} days from now, within the {WarningDays}-day warning of ssl.cert_expire_warning_time_in_day); renew it before devices start refusing the server.")]
    public static partial void CertificateExpiresSoon(ILogger logger, string subject, DateTime notAfter, int days, int warningDays);
}
