using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using Google.Protobuf;

namespace FedSharp.Core.Tests.Models;

public sealed class StrategyParametersTests
{
    [Fact]
    public void ToMessage_ThenFromMessage_RoundTripsScalarsAndTensorsBitForBit()
    {
        var tensors = new ModelParameters([new ParameterTensor("c/fc.weight", [2, 3], [1.5f, -0f, float.Epsilon, 3, 4, 5])]);
        var parameters = new StrategyParameters(new Dictionary<string, double> { ["proximal_mu"] = 0.01, ["clip_norm"] = 1e300 }, tensors);

        StrategyParameters back = StrategyParameters.FromMessage(StrategyConfig.Parser.ParseFrom(parameters.ToMessage()!.ToByteArray()));

        Assert.Equal(parameters.Scalars.OrderBy(p => p.Key), back.Scalars.OrderBy(p => p.Key));
        Assert.True(back.Tensors!.TryGet("c/fc.weight", out ParameterTensor? tensor));
        Assert.Equal([2, 3], tensor.Shape.ToArray());
        Assert.Equal(tensors[0].Values.Select(BitConverter.SingleToInt32Bits), tensor.Values.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void ToMessage_None_IsNullSoFedAvgPlansAreUnchangedOnTheWire()
    {
        Assert.Null(StrategyParameters.None.ToMessage());
        Assert.Same(StrategyParameters.None, StrategyParameters.FromMessage(null));
        Assert.Same(StrategyParameters.None, StrategyParameters.FromMessage(new StrategyConfig()));
    }

    [Fact]
    public void FromMessage_ShapeClaimsMoreThanTheBytes_RefusedBeforeAllocating()
    {
        var message = new StrategyConfig();
        message.Tensors.Add(new TensorData { Name = "c/huge", Shape = { 65536, 65536 }, Data = ByteString.CopyFrom(new byte[16]) });
        long before = GC.GetAllocatedBytesForCurrentThread();

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => StrategyParameters.FromMessage(message));

        Assert.Contains("'c/huge' has shape [65536, 65536] but 16 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the refusal allocated the claimed tensor");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void FromMessage_NonFiniteScalar_RefusedNamingIt(double value)
    {
        var message = new StrategyConfig();
        message.Scalars.Add("proximal_mu", value);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => StrategyParameters.FromMessage(message));

        Assert.Contains("'proximal_mu'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromMessage_DuplicateTensorNames_Refused()
    {
        var message = new StrategyConfig();
        message.Tensors.Add(new TensorData { Name = "c/a", Shape = { 1 }, Data = ByteString.CopyFrom(new byte[4]) });
        message.Tensors.Add(new TensorData { Name = "c/a", Shape = { 1 }, Data = ByteString.CopyFrom(new byte[4]) });

        Assert.Throws<InvalidDataException>(() => StrategyParameters.FromMessage(message));
    }
}
