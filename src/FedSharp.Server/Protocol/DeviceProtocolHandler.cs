using System.Text;
using FedSharp.Core.Configuration;
using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Server.Metrics;
using FedSharp.Server.Rounds;
using FedSharp.Server.Stores;
using Google.Protobuf;

namespace FedSharp.Server.Protocol;

/// <summary>
/// The device-facing side of the protocol without HTTP: takes a round name and the protobuf request bytes, checks the
/// request (protocol version, job name, client id, tensors against the model's layout), asks the
/// <see cref="RoundCoordinator"/>, and encodes its answer as the round's protobuf reply.
/// </summary>
/// <remarks>
/// Every protocol-level outcome is HTTP 200 with the retcode inside the reply; 400 is reserved for a body that is not
/// the round's request message (string fields must be valid UTF-8), 404 for an unknown round and 503 (with a retry delay) for a server that has stopped
/// serving rounds. The handler never throws for bad input: an unexpected exception becomes a SYSTEM_ERROR reply and
/// is reported through <see cref="Faulted"/>. Thread-safe; a host calls it from any number of request threads.
/// </remarks>
public sealed partial class DeviceProtocolHandler
{
    private const string TextContentType = "text/plain; charset=utf-8";
    private readonly RoundCoordinator _coordinator;
    private readonly ModelParameters _layout;
    private readonly string _flName;
    private readonly FLPlan _plan;
    private readonly string _modeDescription;
    private readonly TimeSpan _updateWindow;
    private readonly TimeSpan _retryInterval;
    private readonly TimeProvider _time;
    private readonly ModelBufferPool _buffers;
    private readonly DataRateLog? _dataRate;
    private volatile EncodedModel? _encoded;
    private volatile bool _stopped;

    /// <summary>Creates a handler for one running instance.</summary>
    /// <param name="coordinator">The round engine, already initialised.</param>
    /// <param name="configuration">The job: its <c>fl_name</c> and the FL plan handed out by startFLJob.</param>
    /// <param name="options">The round options the coordinator runs with; the windows give the clients' next request times.</param>
    /// <param name="layout">The global model's names and shapes; uploads are decoded against it.</param>
    /// <param name="time">The clock of <c>server_time_ms</c> and next request times; the coordinator's clock.</param>
    /// <param name="dataRate">Counts every request's and reply's bytes (<c>summary.data_rate_dir</c>); null for none.</param>
    public DeviceProtocolHandler(RoundCoordinator coordinator, JobConfiguration configuration, RoundOptions options, ModelParameters layout, TimeProvider time, DataRateLog? dataRate = null)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(time);
        _coordinator = coordinator;
        _layout = layout;
        _flName = configuration.FlName;
        _plan = configuration.ToFLPlan();
        _modeDescription = $"server_mode {configuration.ServerMode}, encrypt_train_type {configuration.Encrypt.EncryptTrainType}";
        _updateWindow = options.UpdateModelTimeWindow;
        _retryInterval = options.RetryInterval;
        _time = time;
        _buffers = new ModelBufferPool(layout, 4 * Environment.ProcessorCount);
        _dataRate = dataRate;
    }

    /// <summary>Raised, on the request's thread, when a request failed with an unexpected exception that became a SYSTEM_ERROR reply.</summary>
    public event EventHandler<ProtocolFaultEventArgs>? Faulted;

    /// <summary>Handles one request.</summary>
    /// <param name="round">A round name as in <see cref="RoundPaths"/>, e.g. <c>startFLJob</c>; case-sensitive.</param>
    /// <param name="body">The protobuf request bytes; only read during the call.</param>
    /// <param name="cancellationToken">Cancels the request (the client went away).</param>
    /// <returns>The status, body, content type and retry delay to send back.</returns>
    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> is cancelled.</exception>
    public async Task<ProtocolResponse> HandleAsync(string round, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ProtocolResponse response = await HandleRoundAsync(round, body, cancellationToken);
        _dataRate?.Record(body.Length, response.Content.Length);
        return response;
    }

    private async Task<ProtocolResponse> HandleRoundAsync(string round, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (round is null || !s_rounds.TryGetValue(round, out RoundMessages? messages))
        {
            return Text(404, $"'{round}' is not a round of protocol version {ProtocolVersion.Current}; the rounds are {string.Join(", ", RoundPaths.All)} (names are case-sensitive).");
        }

        if (_stopped)
        {
            return new ProtocolResponse(
                503,
                Encoding.UTF8.GetBytes($"This server is shutting down and no longer serves {round}; resend the request to another server or after the delay."),
                TextContentType,
                _retryInterval);
        }

        IMessage request;
        try
        {
            // updateModel is the hot path: its tensors are read in place instead of copied out of the body first.
            UpdateModelRequest? update = null;
            if (round == RoundPaths.UpdateModel)
            {
                update = UpdateModelReader.TryParse(body, _layout.Count, out bool tooManyTensors);
                if (tooManyTensors)
                {
                    return Protobuf(new UpdateModelResponse
                    {
                        Retcode = Retcode.RequestError,
                        Reason = $"updateModel carries more than {_layout.Count} tensors, the model's count; send each of the model's tensors exactly once.",
                    });
                }
            }

            request = update ?? messages.RequestParser.ParseFrom(body.Span);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return Text(400, $"The body of {round} is not a valid protobuf {messages.RequestName} ({body.Length} bytes): {ex.Message} Send the round's request message encoded as protobuf binary.");
        }

        if (ProtoStrings.FindInvalidUtf8(request.Descriptor, body.Span) is { } field)
        {
            return Text(400, $"Field '{field}' of the {messages.RequestName} sent to {round} is not valid UTF-8; protobuf strings must be UTF-8 (the server does not repair them, so two different ids cannot become one). Send ids and names as UTF-8 text.");
        }

        try
        {
            return request switch
            {
                StartFLJobRequest startFlJob => await StartFlJobAsync(startFlJob, cancellationToken),
                UpdateModelRequest updateModel => Protobuf(await UpdateModelAsync(updateModel, cancellationToken)),
                GetResultRequest getResult => Protobuf(await GetResultAsync(getResult, cancellationToken)),
                GetModelRequest getModel => await GetModelAsync(getModel, cancellationToken),
                _ => Protobuf(await NotEnabledAsync(round, request, messages, cancellationToken)),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Faulted?.Invoke(this, new ProtocolFaultEventArgs(round, ex));
            int iteration = await TryCurrentIterationAsync();
            string reason = $"The server failed to process {round} of {Describe(request)} in iteration {iteration}: {ex.GetType().Name}: {ex.Message}";
            return Protobuf(messages.Reply(Retcode.SystemError, reason));
        }
    }

    /// <summary>Refuses every later request with 503, so that clients move to another server while this one stops.</summary>
    internal void StopServing() => _stopped = true;

    private async Task<IMessage> NotEnabledAsync(string round, IMessage request, RoundMessages messages, CancellationToken cancellationToken)
    {
        RoundState state = await _coordinator.GetStateAsync(cancellationToken);
        string reason = $"{Describe(request)} sent {round} in iteration {state.Iteration}, but the round is not enabled in this configuration ({_modeDescription}); this server serves {RoundPaths.StartFLJob}, {RoundPaths.UpdateModel}, {RoundPaths.GetResult} and {RoundPaths.GetModel}.";
        return messages.Reply(Retcode.RequestError, reason);
    }

    /// <summary>The refusal every request of the wrong version or job gets; null when the request may proceed.</summary>
    private string? CheckCommon(uint protocolVersion, string flName)
    {
        if (!ProtocolVersion.IsSupported(protocolVersion, out string? versionProblem))
        {
            return versionProblem;
        }

        if (!string.Equals(flName, _flName, StringComparison.Ordinal))
        {
            return $"The request names job '{flName}' but this server runs job '{_flName}'; set fl_name to '{_flName}' or connect to the server of that job.";
        }

        return null;
    }

    private EncodedModel Encoded(PublishedModel model)
    {
        // Every startFLJob and getModel of an iteration hands out the same model; encoding it once saves serialising
        // 178 KB (and a large-object allocation) per request. A model is identified by the iteration that produced
        // it, so a newly published model misses the cache. Racing requests may both encode it; either result is right.
        EncodedModel? cached = _encoded;
        if (cached is not null && cached.Iteration == model.Iteration)
        {
            return cached;
        }

        var encoded = new EncodedModel(model);
        _encoded = encoded;
        return encoded;
    }

    private async Task<int> TryCurrentIterationAsync()
    {
        try
        {
            return (await _coordinator.GetStateAsync(CancellationToken.None)).Iteration;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is likely what failed; the reply still explains the original fault.
            return 0;
        }
    }

    /// <summary>When the current iteration should be over: the end of its updateModel window, capped by its global window.</summary>
    private DateTimeOffset IterationEndEstimate(RoundState state, DateTimeOffset now)
    {
        DateTimeOffset phaseEnd = state.Phase switch
        {
            RoundPhase.Selecting => state.StartFlJobDeadline + _updateWindow,
            RoundPhase.Training => state.UpdateModelDeadline ?? state.GlobalDeadline,
            _ => now + _retryInterval,
        };
        return phaseEnd < state.GlobalDeadline ? phaseEnd : state.GlobalDeadline;
    }

    private static string Describe(IMessage request)
    {
        string? id = request.Descriptor.FindFieldByName("fl_id")?.Accessor.GetValue(request) as string;
        return string.IsNullOrEmpty(id) ? "a client" : $"client '{id}'";
    }

    private static long UnixMilliseconds(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds() ?? 0;

    private static Retcode ToRetcode(RoundRetcode code) => (Retcode)(int)code;

    private static ProtocolResponse Protobuf(IMessage reply) => new(200, reply.ToByteArray(), RoundPaths.ContentType, null);

    private static ProtocolResponse Text(int status, string text) => new(status, Encoding.UTF8.GetBytes(text), TextContentType, null);
}
