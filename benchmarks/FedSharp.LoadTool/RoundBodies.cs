using FedSharp.Core.Protocol;
using Google.Protobuf;

namespace FedSharp.LoadTool;

/// <summary>
/// Request bodies of the load: a startFLJob or updateModel per client id. The updateModel tensors are the model the
/// server handed out, encoded once; a body is its small per-client fields followed by those bytes (protobuf parses
/// fields in any order), so the generator does not spend the CPU it measures on serialising 178 KB per request.
/// </summary>
internal sealed class RoundBodies
{
    private readonly string _flName;
    private readonly byte[] _updateTensors;

    public RoundBodies(string flName, int iteration, IEnumerable<TensorData> model, int startFlJobReplyBytes)
    {
        _flName = flName;
        Iteration = iteration;
        StartFlJobReplyBytes = startFlJobReplyBytes;
        var tensorsOnly = new UpdateModelRequest();
        tensorsOnly.Tensors.AddRange(model);
        _updateTensors = tensorsOnly.ToByteArray();
    }

    public int Iteration { get; }

    /// <summary>The size of the server's accepted startFLJob reply, the body the startFLJob ceiling answers with.</summary>
    public int StartFlJobReplyBytes { get; }

    public static byte[] StartFlJob(string flName, string id) => new StartFLJobRequest
    {
        ProtocolVersion = ProtocolVersion.Current,
        FlName = flName,
        FlId = id,
        DataSize = 32,
    }.ToByteArray();

    public (byte[] Head, ReadOnlyMemory<byte> Tensors) UpdateModel(string id) => (new UpdateModelRequest
    {
        ProtocolVersion = ProtocolVersion.Current,
        FlName = _flName,
        FlId = id,
        Iteration = Iteration,
        UploadLoss = 0.5f,
    }.ToByteArray(), _updateTensors);
}
