using FedSharp.Core.Models;
using FedSharp.Core.Protocol;
using Google.Protobuf;

namespace FedSharp.Core.Tests.Protocol;

public class TensorCodecTests
{
    private static ModelParameters LeNetHead() => new(
    [
        new ParameterTensor("fc1.weight", [120, 256], new float[120 * 256]),
        new ParameterTensor("fc1.bias", [120], new float[120]),
        new ParameterTensor("fc2.weight", [10, 120], new float[10 * 120]),
        new ParameterTensor("fc2.bias", [10], new float[10]),
    ]);

    private static ModelParameters Filled(int seed)
    {
        var random = new Random(seed);
        ModelParameters model = LeNetHead();
        foreach (ParameterTensor tensor in model.Tensors)
        {
            for (int i = 0; i < tensor.Length; i++)
            {
                tensor.Values[i] = (float)(random.NextDouble() * 2 - 1);
            }
        }

        return model;
    }

    private static List<TensorData> Encoded(ModelParameters model) => [.. TensorCodec.Encode(model)];

    [Fact]
    public void Encode_ThenDecode_RoundTripsEveryBit()
    {
        // Arrange
        ModelParameters model = Filled(seed: 7);
        float[] special = model[1].Values;
        special[0] = 0f;
        special[1] = -0f;
        special[2] = float.Epsilon;
        special[3] = -float.Epsilon;
        special[4] = BitConverter.Int32BitsToSingle(0x007F_FFFF);
        special[5] = float.MaxValue;
        special[6] = float.MinValue;
        special[7] = 1.17549435e-38f;
        special[8] = BitConverter.Int32BitsToSingle(0x0000_1234);

        // Act
        bool ok = TensorCodec.TryDecode(Encoded(model), LeNetHead(), out ModelParameters? decoded, out TensorFault? fault);

        // Assert
        Assert.True(ok, fault?.Message);
        Assert.True(decoded!.HasSameLayout(model));
        for (int t = 0; t < model.Count; t++)
        {
            int[] expected = model[t].Values.Select(BitConverter.SingleToInt32Bits).ToArray();
            int[] actual = decoded[t].Values.Select(BitConverter.SingleToInt32Bits).ToArray();
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Encode_KnownValues_WritesLittleEndianFloat32()
    {
        // Arrange
        var tensor = new ParameterTensor("w", [2], [1.0f, -2.5f]);

        // Act
        TensorData data = TensorCodec.Encode(tensor);

        // Assert
        Assert.Equal("w", data.Name);
        Assert.Equal([2], data.Shape);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0 }, data.Data.ToByteArray());
    }

    [Fact]
    public void Encode_Scalar_HasEmptyShapeAndFourBytes()
    {
        var tensor = new ParameterTensor("step", [], [3f]);

        TensorData data = TensorCodec.Encode(tensor);

        Assert.Empty(data.Shape);
        Assert.Equal(4, data.Data.Length);
    }

    [Fact]
    public void ReadAndWriteLittleEndian_AllLengths_MatchScalarTwin()
    {
        var random = new Random(11);
        for (int length = 0; length <= 70; length++)
        {
            // Arrange
            float[] values = Enumerable.Range(0, length).Select(_ => BitConverter.Int32BitsToSingle(random.Next())).ToArray();
            byte[] fast = new byte[length * 4];
            byte[] oracle = new byte[length * 4];
            float[] back = new float[length];
            float[] backOracle = new float[length];

            // Act
            TensorCodec.WriteLittleEndian(values, fast);
            TensorCodecScalar.WriteLittleEndian(values, oracle);
            TensorCodec.ReadLittleEndian(fast, back);
            TensorCodecScalar.ReadLittleEndian(oracle, backOracle);

            // Assert
            Assert.Equal(oracle, fast);
            Assert.Equal(backOracle.Select(BitConverter.SingleToInt32Bits), back.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void ReadLittleEndian_MismatchedLengths_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => TensorCodec.ReadLittleEndian(new byte[7], new float[2]));
        Assert.Contains("8 bytes", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(-1)]
    public void IndexOfNonFinite_EveryLengthAndPosition_MatchesScalarTwin(float bad)
    {
        // -1 stands for "no bad value": InlineData cannot carry a null float.
        for (int length = 0; length <= 40; length++)
        {
            for (int position = 0; position < Math.Max(length, 1); position++)
            {
                // Arrange
                float[] values = Enumerable.Range(0, length).Select(i => i * 0.5f - 3f).ToArray();
                if (bad != -1 && length > 0)
                {
                    values[position] = bad;
                }

                // Act
                int fast = TensorCodec.IndexOfNonFinite(values);

                // Assert
                Assert.Equal(TensorCodecScalar.IndexOfNonFinite(values), fast);
                Assert.Equal(bad != -1 && length > 0 ? position : -1, fast);
            }
        }
    }

    [Fact]
    public void Validate_ReorderedTensors_IsValidAndDecodesInModelOrder()
    {
        // Arrange
        ModelParameters model = Filled(seed: 3);
        List<TensorData> received = Encoded(model);
        received.Reverse();

        // Act
        TensorFault? validation = TensorCodec.Validate(received, LeNetHead());
        bool ok = TensorCodec.TryDecode(received, LeNetHead(), out ModelParameters? decoded, out _);

        // Assert
        Assert.Null(validation);
        Assert.True(ok);
        Assert.Equal("fc1.weight", decoded!.Tensors[0].Name);
        Assert.Equal(model[0].Values, decoded[0].Values);
    }

    [Fact]
    public void Validate_UnknownName_ReportsTheNameAndTheModelsNames()
    {
        List<TensorData> received = Encoded(Filled(1));
        received[2].Name = "fc9.weight";

        TensorFault? fault = TensorCodec.Validate(received, LeNetHead());

        Assert.NotNull(fault);
        Assert.Equal(TensorFaultKind.UnknownName, fault.Kind);
        Assert.Equal("fc9.weight", fault.TensorName);
        Assert.Equal("tensor 'fc9.weight' is not part of the model; the model's tensors are fc1.weight, fc1.bias, fc2.weight, fc2.bias", fault.Message);
    }

    [Fact]
    public void Validate_MissingTensor_ReportsTheMissingName()
    {
        List<TensorData> received = Encoded(Filled(1));
        received.RemoveAt(3);

        TensorFault? fault = TensorCodec.Validate(received, LeNetHead());

        Assert.NotNull(fault);
        Assert.Equal(TensorFaultKind.MissingName, fault.Kind);
        Assert.Equal("fc2.bias", fault.TensorName);
        Assert.Contains("tensor 'fc2.bias' [10] is missing", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateTensor_ReportsBothPositions()
    {
        List<TensorData> received = Encoded(Filled(1));
        received[3] = received[1].Clone();

        TensorFault? fault = TensorCodec.Validate(received, LeNetHead());

        Assert.NotNull(fault);
        Assert.Equal(TensorFaultKind.DuplicateName, fault.Kind);
        Assert.Equal("tensor 'fc1.bias' appears twice (positions 1 and 3); send each tensor once", fault.Message);
    }

    [Fact]
    public void Validate_WrongShape_ReportsReceivedAndExpectedShapes()
    {
        List<TensorData> received = Encoded(Filled(1));
        received[0].Shape.Clear();
        received[0].Shape.Add([256, 120]);

        TensorFault? fault = TensorCodec.Validate(received, LeNetHead());

        Assert.NotNull(fault);
        Assert.Equal(TensorFaultKind.WrongShape, fault.Kind);
        Assert.Equal("tensor 'fc1.weight' has shape [256, 120]; the model expects [120, 256]", fault.Message);
    }

    [Fact]
    public void Validate_OneValueShort_ReportsValueCountAgainstShape()
    {
        List<TensorData> received = Encoded(Filled(1));
        received[0].Data = ByteString.CopyFrom(received[0].Data.Span[..^4]);

        TensorFault? fault = TensorCodec.Validate(received, LeNetHead());

        Assert.NotNull(fault);
        Assert.Equal(TensorFaultKind.WrongByteLength, fault.Kind);
        Assert.Equal("tensor 'fc1.weight' has 30719 values; the model expects [120, 256] = 30720", fault.Message);
    }

    [Fact]
    public void Validate_ByteCountNotMultipleOfFour_ReportsBytes()
    {
        List<TensorData> received = Encoded(Filled(1));
        received[3].Data = ByteString.CopyFrom(new byte[41]);

        TensorFault? fault = TensorCodec.Validate(received, LeNetHead());

        Assert.NotNull(fault);
        Assert.Equal(TensorFaultKind.WrongByteLength, fault.Kind);
        Assert.Equal("tensor 'fc2.bias' carries 41 bytes, not a whole number of float32 values; the model expects [10] = 10 values = 40 bytes", fault.Message);
    }

    [Theory]
    [InlineData(0x7FC0_0000u, "NaN")]
    [InlineData(0xFFC0_0001u, "NaN")]
    [InlineData(0x7F80_0001u, "NaN")]
    [InlineData(0x7F80_0000u, "+Infinity")]
    [InlineData(0xFF80_0000u, "-Infinity")]
    public void ValidateAndDecode_NonFiniteValue_ReportTensorPositionAndKind(uint bits, string kind)
    {
        // Arrange
        ModelParameters model = Filled(1);
        model[2].Values[125] = BitConverter.UInt32BitsToSingle(bits);
        List<TensorData> received = Encoded(model);

        // Act
        TensorFault? validation = TensorCodec.Validate(received, LeNetHead());
        TensorFault? decoding = TensorCodec.DecodeInto(received, LeNetHead());

        // Assert
        string expected = $"tensor 'fc2.weight' value 125 (position [1, 5]) is {kind}; every value must be finite";
        Assert.Equal(TensorFaultKind.NonFinite, validation?.Kind);
        Assert.Equal(expected, validation?.Message);
        Assert.Equal(expected, decoding?.Message);
    }

    [Fact]
    public void TryDecode_ModelWithMoreTensorsThanTheStackScratch_RoundTripsAndFindsMissing()
    {
        // Arrange: 300 tensors exceed the 256-entry stack scratch, so the heap path runs.
        var model = new ModelParameters(Enumerable.Range(0, 300).Select(i => new ParameterTensor($"layer{i}.bias", [2], [i, -i])));
        List<TensorData> received = Encoded(model);

        // Act
        bool ok = TensorCodec.TryDecode(received, model.ZerosLike(), out ModelParameters? decoded, out _);
        received.RemoveAt(299);
        TensorFault? fault = TensorCodec.Validate(received, model);

        // Assert
        Assert.True(ok);
        Assert.Equal(new float[] { 299, -299 }, decoded!.Tensors[299].Values);
        Assert.Equal(TensorFaultKind.MissingName, fault?.Kind);
        Assert.Equal("layer299.bias", fault?.TensorName);
    }

    [Fact]
    public void DecodeInto_ValidUpdate_AllocatesNothing()
    {
        // Arrange
        List<TensorData> received = Encoded(Filled(5));
        ModelParameters destination = LeNetHead();
        TensorCodec.DecodeInto(received, destination);

        // Act
        long before = GC.GetAllocatedBytesForCurrentThread();
        TensorFault? fault = TensorCodec.DecodeInto(received, destination);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Assert
        Assert.Null(fault);
        Assert.Equal(0, allocated);
        Assert.Equal(Filled(5)[0].Values, destination[0].Values);
    }
}
