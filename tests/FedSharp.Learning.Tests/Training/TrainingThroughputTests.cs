using FedSharp.Learning.Models;
using FedSharp.Learning.Training;

namespace FedSharp.Learning.Tests.Training;

public sealed class TrainingThroughputTests
{
    [Fact]
    public void MeasureSynthetic_ClockAdvancingPerReading_CountsWholeBatchesInWindow()
    {
        // Each clock reading advances 10 ms: the window opens at one reading and every step reads once, so a 45 ms
        // window closes after the fifth step (50 ms).
        var time = new SteppingTimeProvider(TimeSpan.FromMilliseconds(10));

        ThroughputResult result = TrainingThroughput.MeasureSynthetic(ModelZoo.LogisticRegression, 16, TimeSpan.FromMilliseconds(45), time, seed: 1);

        Assert.Equal(5 * 16, result.Samples);
        Assert.Equal(TimeSpan.FromMilliseconds(50), result.Elapsed);
        Assert.Equal(1600, result.SamplesPerSecond, 6);
    }

    [Fact]
    public void MeasureSynthetic_UnknownModel_Throws()
    {
        Assert.Throws<ArgumentException>(() => TrainingThroughput.MeasureSynthetic("vgg", 16, TimeSpan.FromSeconds(1), TimeProvider.System));
    }

    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks += step.Ticks;
    }
}
