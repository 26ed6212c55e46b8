namespace Ppml.Learning.Mnist;

/// <summary>Which half of MNIST.</summary>
public enum MnistSplit
{
    /// <summary>The 60,000 training images (<c>train-*</c>).</summary>
    Train,

    /// <summary>The 10,000 test images (<c>t10k-*</c>).</summary>
    Test,
}
