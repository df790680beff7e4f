using FedSharp.Core.Protocol;
using FedSharp.Server.Protocol;
using Google.Protobuf;

namespace FedSharp.Server.Tests.Protocol;

public sealed class UpdateModelReaderTests
{
    private static UpdateModelRequest FullRequest()
    {
        var request = new UpdateModelRequest
        {
            ProtocolVersion = 1,
            FlName = "job",
            FlId = "client-7",
            Iteration = 12,
            TimestampMs = 1_700_000_000_123,
            Signature = ByteString.CopyFrom(1, 2, 3),
            UploadLoss = 0.75f,
            UploadAccuracy = 0.5f,
            UploadSparseRate = 0.25f,
            Signds = new SignDSUpload { Sign = -1, IndexArray = { 3, 9 }, BHat = true },
        };
        request.Tensors.AddRange(TensorCodec.Encode(Models.Create(1, -2, 3.5f, 4, 5, -6)));
        request.NameVec.Add(["fc.weight", "fc.bias"]);
        request.CompressedTensors.Add(new CompressedTensorData { Name = "fc.bias", Shape = { 2 }, Data = ByteString.CopyFrom(7, 8), MinVal = -1, MaxVal = 1 });
        request.UnsupervisedEvalItems.Add(new UnsupervisedEvalItem { EvalName = "cluster", EvalData = { 0.25f, 0.75f } });
        return request;
    }

    [Fact]
    public void TryParse_GeneratedEncoding_EqualsGeneratedParser()
    {
        byte[] body = FullRequest().ToByteArray();

        UpdateModelRequest? parsed = UpdateModelReader.TryParse(body, int.MaxValue, out _);

        Assert.Equal(UpdateModelRequest.Parser.ParseFrom(body), parsed);
    }

    [Fact]
    public void TryParse_UnpackedShapeUnknownFieldsAndInterleavedTensors_EqualsGeneratedParser()
    {
        var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(UpdateModelRequest.FlIdFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteString("first-id");
        WriteTensor(output, "fc.weight", [2, 2], new byte[16]);
        output.WriteTag(99, WireFormat.WireType.Fixed64);
        output.WriteFixed64(42);
        output.WriteTag(UpdateModelRequest.IterationFieldNumber, WireFormat.WireType.Varint);
        output.WriteInt32(3);
        WriteTensor(output, "fc.bias", [2], [0, 0, 128, 63, 0, 0, 0, 64]);
        // A later value of a singular field wins, in the reader as in the generated parser.
        output.WriteTag(UpdateModelRequest.FlIdFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteString("second-id");
        output.Flush();
        byte[] body = stream.ToArray();

        UpdateModelRequest? parsed = UpdateModelReader.TryParse(body, int.MaxValue, out _);

        UpdateModelRequest expected = UpdateModelRequest.Parser.ParseFrom(body);
        Assert.NotNull(parsed);
        Assert.Equal("second-id", parsed.FlId);
        // Unknown fields are skipped rather than kept, so the tensors are compared field by field.
        Assert.Equal(expected.Tensors.Select(t => (t.Name, string.Join(",", t.Shape), t.Data)), parsed.Tensors.Select(t => (t.Name, string.Join(",", t.Shape), t.Data)));
        Assert.Equal(expected.Iteration, parsed.Iteration);
        Assert.Equal([2, 2], parsed.Tensors[0].Shape);
    }

    [Fact]
    public void TryParse_TensorData_WrapsTheBodyWithoutCopying()
    {
        byte[] body = FullRequest().ToByteArray();

        UpdateModelRequest parsed = UpdateModelReader.TryParse(body, int.MaxValue, out _)!;
        int offset = body.AsSpan().IndexOf(parsed.Tensors[1].Data.Span);
        body[offset] ^= 0xFF;

        Assert.Equal(body[offset], parsed.Tensors[1].Data.Span[0]);
    }

    [Fact]
    public void TryParse_EveryTruncation_AgreesWithGeneratedParser()
    {
        byte[] body = FullRequest().ToByteArray();

        for (int length = 0; length < body.Length; length++)
        {
            byte[] truncated = body[..length];
            UpdateModelRequest? generated = TryGenerated(truncated);
            UpdateModelRequest? read;
            try
            {
                read = UpdateModelReader.TryParse(truncated, int.MaxValue, out _);
            }
            catch (InvalidProtocolBufferException)
            {
                Assert.Null(generated);
                continue;
            }

            // Null means "fall back to the generated parser"; anything else must be exactly what it would produce.
            if (read is not null)
            {
                Assert.Equal(generated, read);
            }
        }
    }

    private static UpdateModelRequest? TryGenerated(byte[] body)
    {
        try
        {
            return UpdateModelRequest.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static void WriteTensor(CodedOutputStream output, string name, int[] shape, byte[] data)
    {
        var inner = new MemoryStream();
        var tensor = new CodedOutputStream(inner);
        foreach (int dimension in shape)
        {
            tensor.WriteTag(TensorData.ShapeFieldNumber, WireFormat.WireType.Varint);
            tensor.WriteInt32(dimension);
        }

        tensor.WriteTag(7, WireFormat.WireType.Varint);
        tensor.WriteInt32(5);
        tensor.WriteTag(TensorData.DataFieldNumber, WireFormat.WireType.LengthDelimited);
        tensor.WriteBytes(ByteString.CopyFrom(data));
        tensor.WriteTag(TensorData.NameFieldNumber, WireFormat.WireType.LengthDelimited);
        tensor.WriteString(name);
        tensor.Flush();
        output.WriteTag(UpdateModelRequest.TensorsFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(inner.ToArray()));
    }
}
