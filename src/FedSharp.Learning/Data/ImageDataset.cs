namespace FedSharp.Learning.Data;

/// <summary>The IDX image data sets FedSharp can locate and load; both have 28×28 grey images and 10 classes.</summary>
public enum ImageDataset
{
    /// <summary>Fashion-MNIST (Xiao, Rasul, Vollgraf 2017), Zalando's drop-in replacement for MNIST.</summary>
    FashionMnist,

    /// <summary>MNIST handwritten digits (LeCun et al.).</summary>
    Mnist,
}
