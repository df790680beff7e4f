using FedSharp.Learning.Data;

namespace FedSharp.Learning.Tests.Training;

/// <summary>
/// A separable toy problem: each class has a random prototype image and its samples are the prototype plus
/// uniform noise, so a model that learns anything beats chance by a wide margin.
/// </summary>
internal static class SyntheticClasses
{
    public static LabeledDataset Create(int count, int[] sampleShape, int classCount, int seed, float noise = 0.5f)
    {
        var random = new Random(seed);
        int sampleSize = sampleShape.Aggregate(1, (a, b) => a * b);
        var prototypeRandom = new Random(12345);
        float[][] prototypes = Enumerable.Range(0, classCount)
            .Select(_ => Enumerable.Range(0, sampleSize).Select(_ => prototypeRandom.NextSingle()).ToArray())
            .ToArray();
        float[] features = new float[count * sampleSize];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(classCount);
            for (int j = 0; j < sampleSize; j++)
            {
                features[i * sampleSize + j] = prototypes[labels[i]][j] + noise * (random.NextSingle() * 2 - 1);
            }
        }

        return new LabeledDataset(features, labels, sampleShape, classCount);
    }
}
