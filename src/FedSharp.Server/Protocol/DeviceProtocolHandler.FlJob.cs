using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using FedSharp.Server.Rounds;
using Google.Protobuf;
using WireOutcome = FedSharp.Core.Protocol.IterationOutcome;

namespace FedSharp.Server.Protocol;

public sealed partial class DeviceProtocolHandler
{
    private async Task<ProtocolResponse> StartFlJobAsync(StartFLJobRequest request, CancellationToken cancellationToken)
    {
        string id = request.FlId;
        string? problem = CheckCommon(request.ProtocolVersion, request.FlName)
            ?? (string.IsNullOrWhiteSpace(id) ? "The request has no fl_id; send the device's stable client id." : null)
            ?? (request.DataSize < 1 ? $"data_size is {request.DataSize}; it must be the number of local training samples, 1 or more." : null);
        if (problem is not null)
        {
            int current = (await _coordinator.GetStateAsync(cancellationToken)).Iteration;
            return Protobuf(new StartFLJobResponse
            {
                Retcode = Retcode.RequestError,
                Reason = $"startFLJob of client '{id}' refused in iteration {current}: {problem}",
                Iteration = current,
                ServerTimeMs = UnixMilliseconds(_time.GetUtcNow()),
            });
        }

        StartFlJobResult result = await _coordinator.StartFlJobAsync(id, request.DataSize, cancellationToken);
        RoundReply reply = result.Reply;
        var response = new StartFLJobResponse
        {
            Retcode = ToRetcode(reply.Code),
            Reason = reply.Reason,
            Iteration = reply.Iteration,
            NextReqTimeMs = UnixMilliseconds(reply.NextRequestTime),
        };
        response.ServerTimeMs = UnixMilliseconds(_time.GetUtcNow());
        if (reply.Code != RoundRetcode.Succeed || result.Training is not { } training)
        {
            return Protobuf(response);
        }

        RoundState state = await _coordinator.GetStateAsync(cancellationToken);
        response.IsSelected = true;
        // FedAvg's plan is the shared one, byte for byte; a strategy with parameters gets a copy carrying them.
        response.FlPlan = training.Parameters?.ToMessage() is { } strategy ? new FLPlan(_plan) { Strategy = strategy } : _plan;
        response.DownloadCompressType = CompressType.NoCompress;
        response.UploadCompressType = CompressType.NoCompress;
        response.UnsupervisedEvalFlag = UnsupervisedEvalFlag.NotEval;
        DateTimeOffset now = _time.GetUtcNow();
        response.NextReqTimeMs = UnixMilliseconds(IterationEndEstimate(state, now));
        response.ServerTimeMs = UnixMilliseconds(now);
        return WithModel(response, Encoded(training.Model).StartFlJobTensors);
    }

    /// <summary>
    /// The reply with the model's tensors (field 7) between the fields numbered below and above it, as the generated
    /// serialiser orders them; the tensors are the cached bytes, shared by every reply of the iteration.
    /// </summary>
    internal static ProtocolResponse WithModel(StartFLJobResponse response, ReadOnlyMemory<byte> tensors)
    {
        var before = new StartFLJobResponse
        {
            Retcode = response.Retcode,
            Reason = response.Reason,
            Iteration = response.Iteration,
            IsSelected = response.IsSelected,
            NextReqTimeMs = response.NextReqTimeMs,
            FlPlan = response.FlPlan,
        };
        var after = new StartFLJobResponse
        {
            ServerTimeMs = response.ServerTimeMs,
            UploadCompressType = response.UploadCompressType,
            UploadSparseRate = response.UploadSparseRate,
            DownloadCompressType = response.DownloadCompressType,
            UnsupervisedEvalFlag = response.UnsupervisedEvalFlag,
        };
        after.CompressedTensors.Add(response.CompressedTensors);
        return new ProtocolResponse(ReplySegment.Join(before.ToByteArray(), tensors, after.ToByteArray()), RoundPaths.ContentType);
    }

    /// <summary>The getModel reply with the cached tensors (field 5) in field order; see <see cref="WithModel(StartFLJobResponse, ReadOnlyMemory{byte})"/>.</summary>
    internal static ProtocolResponse WithModel(GetModelResponse response, ReadOnlyMemory<byte> tensors)
    {
        var before = new GetModelResponse
        {
            Retcode = response.Retcode,
            Reason = response.Reason,
            Iteration = response.Iteration,
            ModelIteration = response.ModelIteration,
        };
        var after = new GetModelResponse
        {
            NextReqTimeMs = response.NextReqTimeMs,
            DownloadCompressType = response.DownloadCompressType,
        };
        after.CompressedTensors.Add(response.CompressedTensors);
        return new ProtocolResponse(ReplySegment.Join(before.ToByteArray(), tensors, after.ToByteArray()), RoundPaths.ContentType);
    }

    private async Task<UpdateModelResponse> UpdateModelAsync(UpdateModelRequest request, CancellationToken cancellationToken)
    {
        string id = request.FlId;
        string? problem = CheckCommon(request.ProtocolVersion, request.FlName)
            ?? (string.IsNullOrWhiteSpace(id) ? "The request has no fl_id; send the id used in startFLJob." : null)
            ?? (request.Iteration < 1 ? "iteration is not set; send the iteration from the startFLJob reply." : null)
            ?? UnsupportedUploadForm(request);
        ModelParameters parameters = _buffers.Rent();
        bool reusable = false;
        try
        {
            problem ??= TensorCodec.DecodeInto(request.Tensors, parameters)?.Message;
            StrategyParameters strategy = StrategyParameters.None;
            if (problem is null && request.Strategy is not null)
            {
                try
                {
                    strategy = StrategyParameters.FromMessage(request.Strategy, "The update");
                }
                catch (InvalidDataException ex)
                {
                    problem = ex.Message;
                }
            }

            if (problem is not null)
            {
                RoundState state = await _coordinator.GetStateAsync(cancellationToken);
                reusable = true;
                return new UpdateModelResponse
                {
                    Retcode = Retcode.RequestError,
                    Reason = $"Update of client '{id}' for iteration {request.Iteration} refused (current iteration {state.Iteration}): {problem}",
                    ServerTimeMs = UnixMilliseconds(_time.GetUtcNow()),
                };
            }

            // The wire carries the client's own weights, decoded and checked once above; the coordinator weighs them
            // by the data size the client declared at startFLJob.
            RoundReply reply = await _coordinator.UpdateDecodedModelAsync(
                id, request.Iteration, parameters, request.UploadLoss, request.HasUploadAccuracy ? request.UploadAccuracy : null, strategy, cancellationToken);
            reusable = true;
            DateTimeOffset now = _time.GetUtcNow();
            DateTimeOffset? next = reply.NextRequestTime;
            if (reply.Code == RoundRetcode.Succeed)
            {
                next = IterationEndEstimate(await _coordinator.GetStateAsync(cancellationToken), now);
            }

            return new UpdateModelResponse
            {
                Retcode = ToRetcode(reply.Code),
                Reason = reply.Reason,
                NextReqTimeMs = UnixMilliseconds(next),
                ServerTimeMs = UnixMilliseconds(now),
            };
        }
        finally
        {
            // A request that failed or was cancelled inside the coordinator may have left the buffer with a store
            // that is still reading it; only a completed answer frees it for reuse.
            if (reusable)
            {
                _buffers.Return(parameters);
            }
        }
    }

    private async Task<GetResultResponse> GetResultAsync(GetResultRequest request, CancellationToken cancellationToken)
    {
        string? problem = CheckCommon(request.ProtocolVersion, request.FlName);
        if (problem is not null)
        {
            int current = (await _coordinator.GetStateAsync(cancellationToken)).Iteration;
            return new GetResultResponse
            {
                Retcode = Retcode.RequestError,
                Reason = $"getResult for iteration {request.Iteration} refused (current iteration {current}): {problem}",
                Iteration = current,
            };
        }

        RoundReply reply = await _coordinator.GetResultAsync(request.FlId, request.Iteration, cancellationToken);
        return new GetResultResponse
        {
            Retcode = ToRetcode(reply.Code),
            Reason = reply.Reason,
            Iteration = reply.Iteration,
            NextReqTimeMs = UnixMilliseconds(reply.NextRequestTime),
            Outcome = reply.Outcome switch
            {
                null => WireOutcome.Unspecified,
                { Valid: true } => WireOutcome.Valid,
                _ => WireOutcome.Failed,
            },
            OutcomeReason = reply.Outcome is { Valid: false } failed ? failed.Reason : string.Empty,
            ServerTimeMs = UnixMilliseconds(_time.GetUtcNow()),
        };
    }

    private async Task<ProtocolResponse> GetModelAsync(GetModelRequest request, CancellationToken cancellationToken)
    {
        string? problem = CheckCommon(request.ProtocolVersion, request.FlName);
        if (problem is not null)
        {
            int current = (await _coordinator.GetStateAsync(cancellationToken)).Iteration;
            return Protobuf(new GetModelResponse
            {
                Retcode = Retcode.RequestError,
                Reason = $"getModel for iteration {request.Iteration} refused (current iteration {current}): {problem}",
                Iteration = current,
            });
        }

        GetModelResult result = await _coordinator.GetModelAsync(string.Empty, request.Iteration, cancellationToken);
        RoundReply reply = result.Reply;
        var response = new GetModelResponse
        {
            Retcode = ToRetcode(reply.Code),
            Reason = reply.Reason,
            Iteration = reply.Iteration,
            NextReqTimeMs = UnixMilliseconds(reply.NextRequestTime),
            DownloadCompressType = CompressType.NoCompress,
            ServerTimeMs = UnixMilliseconds(_time.GetUtcNow()),
        };
        if (reply.Code != RoundRetcode.Succeed || result.Model is not { } model)
        {
            return Protobuf(response);
        }

        response.ModelIteration = model.Iteration;
        return WithModel(response, Encoded(model).GetModelTensors);
    }

    private static string? UnsupportedUploadForm(UpdateModelRequest request)
    {
        if (request.UploadCompressType != CompressType.NoCompress || request.CompressedTensors.Count > 0)
        {
            return $"upload_compress_type {request.UploadCompressType} is not enabled in this configuration; send the plain tensors (NO_COMPRESS) as the startFLJob reply's upload_compress_type says.";
        }

        if (request.Signds is not null)
        {
            return "a SignDS upload is not enabled in this configuration (encrypt_train_type is not SIGNDS); send the plain tensors.";
        }

        return null;
    }
}
