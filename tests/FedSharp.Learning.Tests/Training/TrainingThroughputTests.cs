using FedSharp.Learning.Models;
using FedSharp.Learning.Optimizers;
using FedSharp.Learning.Training;

namespace FedSharp.Learning.Tests.Training;

public sealed class TrainingThroughputTests
{
    [Fact]
    public void MeasureSynthetic_ClockAdvancingPerReading_CountsWholeBatchesInWindow()
    {
        // Each clock reading advances 10 ms. Warm-up (a quarter of 40 ms) opens at 10 ms and ends after one step at
        // 20 ms; the window opens at 30 ms and each step reads once, so it closes after the fourth step at 70 ms: 7 readings.
        var time = new SteppingTimeProvider(TimeSpan.FromMilliseconds(10));

        ThroughputResult result = TrainingThroughput.MeasureSynthetic(ModelZoo.LogisticRegression, 16, TimeSpan.FromMilliseconds(40), time, seed: 1);

        Assert.Equal(4 * 16, result.Samples);
        Assert.Equal(TimeSpan.FromMilliseconds(40), result.Elapsed);
        Assert.Equal(1600, result.SamplesPerSecond, 6);
        Assert.Equal(7, time.Readings);
    }

    [Fact]
    public void Measure_RealClock_TrainsTheGivenModel()
    {
        Sequential model = ModelZoo.Create(ModelZoo.LogisticRegression, 2);
        float before = model.Parameters[0].Value.Span[0];
        var data = SyntheticClasses.Create(64, [1, 28, 28], 10, seed: 3);

        ThroughputResult result = TrainingThroughput.Measure(
            model, new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.1f }), data, 32, TimeSpan.FromMilliseconds(50), TimeProvider.System);

        Assert.True(result.Samples >= 32 && result.Samples % 32 == 0);
        Assert.True(result.Elapsed >= TimeSpan.FromMilliseconds(50));
        Assert.NotEqual(before, model.Parameters[0].Value.Span[0]);
    }

    [Fact]
    public void Measure_FewerSamplesThanOneBatch_Throws()
    {
        Sequential model = ModelZoo.Create(ModelZoo.LogisticRegression, 2);
        var data = SyntheticClasses.Create(10, [1, 28, 28], 10, seed: 3);

        var error = Assert.Throws<ArgumentException>(() => TrainingThroughput.Measure(
            model, new Sgd(model.Parameters, new SgdOptions()), data, 32, TimeSpan.FromSeconds(1), TimeProvider.System));

        Assert.Contains("10 samples", error.Message);
    }

    [Fact]
    public void MeasureSynthetic_UnknownModel_Throws()
    {
        Assert.Throws<ArgumentException>(() => TrainingThroughput.MeasureSynthetic("vgg", 16, TimeSpan.FromSeconds(1), TimeProvider.System));
    }

    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public int Readings { get; private set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp()
        {
            Readings++;
            return _ticks += step.Ticks;
        }
    }
}
