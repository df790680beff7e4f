using FedSharp.Core.Models;

namespace FedSharp.Client.Tests;

internal static class ModelAssert
{
    public static void BitEqual(ModelParameters expected, ModelParameters actual)
    {
        Assert.True(expected.HasSameLayout(actual));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Values.Select(BitConverter.SingleToInt32Bits), actual[i].Values.Select(BitConverter.SingleToInt32Bits));
        }
    }
}
