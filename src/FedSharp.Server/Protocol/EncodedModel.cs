using FedSharp.Core.Protocol;
using FedSharp.Server.Stores;
using Google.Protobuf;

namespace FedSharp.Server.Protocol;

/// <summary>
/// A published model encoded once as the <c>repeated TensorData tensors</c> field of the replies that carry it, so
/// that every startFLJob and getModel of an iteration copies these bytes instead of serialising the model again.
/// </summary>
/// <remarks>
/// Each field is produced by the generated serialiser from a reply holding nothing but the tensors: proto3 writes no
/// default-valued field, so the bytes are exactly that field's entries, and a reply written as (fields before it,
/// these bytes, fields after it) is byte-for-byte what serialising the whole reply gives.
/// </remarks>
internal sealed class EncodedModel
{
    public EncodedModel(PublishedModel model)
    {
        TensorData[] tensors = TensorCodec.Encode(model.Parameters);
        var startFlJob = new StartFLJobResponse();
        startFlJob.Tensors.AddRange(tensors);
        var getModel = new GetModelResponse();
        getModel.Tensors.AddRange(tensors);
        Iteration = model.Iteration;
        StartFlJobTensors = startFlJob.ToByteArray();
        GetModelTensors = getModel.ToByteArray();
    }

    /// <summary>The iteration that produced the model; a model is identified by it.</summary>
    public int Iteration { get; }

    /// <summary>Every entry of <see cref="StartFLJobResponse.Tensors"/> (field 7), tags included.</summary>
    public ReadOnlyMemory<byte> StartFlJobTensors { get; }

    /// <summary>Every entry of <see cref="GetModelResponse.Tensors"/> (field 5), tags included.</summary>
    public ReadOnlyMemory<byte> GetModelTensors { get; }
}
