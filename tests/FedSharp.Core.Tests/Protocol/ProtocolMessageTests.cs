using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FedSharp.Core.Tests.Protocol;

public class ProtocolMessageTests
{
    private static readonly FileDescriptor[] s_files =
    [
        CommonReflection.Descriptor,
        FlJobReflection.Descriptor,
        SecureAggregationReflection.Descriptor,
        HybridReflection.Descriptor,
    ];

    private static IEnumerable<MessageDescriptor> Messages(string suffix) =>
        s_files.SelectMany(f => f.MessageTypes).Where(m => m.Name.EndsWith(suffix, StringComparison.Ordinal));

    [Fact]
    public void StartFLJobResponse_WithPlanAndModel_RoundTripsThroughBytes()
    {
        // Arrange
        var model = new ModelParameters([new ParameterTensor("fc.weight", [2, 3], [1, 2, 3, 4, 5, 6])]);
        var response = new StartFLJobResponse
        {
            Retcode = Retcode.Succeed,
            Reason = "success",
            Iteration = 4,
            IsSelected = true,
            NextReqTimeMs = 1_763_700_000_123,
            FlPlan = new FLPlan
            {
                ServerMode = ServerMode.FederatedLearning,
                FlName = "Lenet",
                Iterations = 25,
                Epochs = 20,
                MiniBatch = 32,
                Lr = 0.01f,
                Cipher = new CipherPublicParams { EncryptType = EncryptType.DpEncrypt, DpParams = new DPParams { DpEps = 50, DpDelta = 0.01f, DpNormClip = 1 } },
            },
            UploadCompressType = CompressType.DiffSparseQuant,
            UploadSparseRate = 0.4f,
        };
        response.Tensors.AddRange(TensorCodec.Encode(model));

        // Act
        StartFLJobResponse parsed = StartFLJobResponse.Parser.ParseFrom(response.ToByteArray());

        // Assert
        Assert.Equal(response, parsed);
        Assert.True(TensorCodec.TryDecode(parsed.Tensors, model.ZerosLike(), out ModelParameters? decoded, out _));
        Assert.Equal(model[0].Values, decoded.Tensors[0].Values);
    }

    [Fact]
    public void UpdateModelRequest_WithSignDSAndEvalItems_RoundTripsThroughBytes()
    {
        var request = new UpdateModelRequest
        {
            ProtocolVersion = ProtocolVersion.Current,
            FlName = "Lenet",
            FlId = "device-17",
            Iteration = 4,
            UploadLoss = 0.75f,
            UploadAccuracy = 0.5f,
            Signds = new SignDSUpload { Sign = -1, BHat = false },
        };
        request.Signds.IndexArray.Add([3, 9, 27]);
        request.NameVec.Add(["fc.weight", "fc.bias"]);
        request.UnsupervisedEvalItems.Add(new UnsupervisedEvalItem { EvalName = "cluster", EvalData = { 0.25f, 0.75f } });

        UpdateModelRequest parsed = UpdateModelRequest.Parser.ParseFrom(request.ToByteArray());

        Assert.Equal(request, parsed);
        Assert.True(parsed.Signds.HasBHat);
        Assert.False(new SignDSUpload().HasBHat);
    }

    [Fact]
    public void GetResultResponse_FailedIteration_CarriesOutcomeAndReason()
    {
        var response = new GetResultResponse
        {
            Retcode = Retcode.Succeed,
            Iteration = 5,
            Outcome = IterationOutcome.Failed,
            OutcomeReason = "round updateModel timed out with 1 of 2 updates",
        };

        GetResultResponse parsed = GetResultResponse.Parser.ParseFrom(response.ToByteArray());

        Assert.Equal(IterationOutcome.Failed, parsed.Outcome);
        Assert.Equal(response.OutcomeReason, parsed.OutcomeReason);
    }

    [Fact]
    public void Retcode_WireNumbers_EqualMindSporeResponseCodes()
    {
        Assert.Equal(200, (int)Retcode.Succeed);
        Assert.Equal(201, (int)Retcode.NotReady);
        Assert.Equal(300, (int)Retcode.OutOfTime);
        Assert.Equal(400, (int)Retcode.RequestError);
        Assert.Equal(500, (int)Retcode.SystemError);
        Assert.Equal(0, (int)Retcode.Unspecified);
    }

    [Fact]
    public void Requests_EveryOne_StartsWithProtocolVersionField()
    {
        List<MessageDescriptor> requests = Messages("Request").ToList();

        Assert.Equal(15, requests.Count);
        Assert.All(requests, m =>
        {
            FieldDescriptor field = m.FindFieldByNumber(1);
            Assert.Equal("protocol_version", field.Name);
            Assert.Equal(FieldType.UInt32, field.FieldType);
        });
    }

    [Fact]
    public void Responses_EveryOne_HasRetcodeAndReason()
    {
        List<MessageDescriptor> responses = Messages("Response").ToList();

        Assert.Equal(15, responses.Count);
        Assert.All(responses, m =>
        {
            Assert.Equal(FieldType.Enum, m.FindFieldByName("retcode").FieldType);
            Assert.Equal("fedsharp.v1.Retcode", m.FindFieldByName("retcode").EnumType.FullName);
            Assert.Equal(FieldType.String, m.FindFieldByName("reason").FieldType);
        });
    }

    [Fact]
    public void Responses_WithRetryTime_UseInt64Milliseconds()
    {
        List<FieldDescriptor> fields = Messages("Response")
            .Select(m => m.FindFieldByName("next_req_time_ms"))
            .Where(f => f is not null)
            .ToList();

        Assert.Equal(12, fields.Count);
        Assert.All(fields, f => Assert.Equal(FieldType.Int64, f.FieldType));
    }

    [Fact]
    public void TensorData_Schema_IsNameShapeAndPackedBytes()
    {
        MessageDescriptor tensor = TensorData.Descriptor;

        Assert.Equal(["name", "shape", "data"], tensor.Fields.InFieldNumberOrder().Select(f => f.Name));
        Assert.Equal(FieldType.Bytes, tensor.FindFieldByName("data").FieldType);
    }
}
