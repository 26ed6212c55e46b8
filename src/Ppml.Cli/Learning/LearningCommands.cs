using System.CommandLine;
using Ppml.Learning.Training;
using Ppml.Workloads.Learning;

namespace Ppml.Cli.Learning;

/// <summary><c>ppml train lenet</c>, <c>ppml evaluate</c>, <c>ppml predict</c>, <c>ppml datasets fetch mnist</c>.</summary>
internal static class LearningCommands
{
    public static Command CreateTrain(CliContext context)
    {
        var data = new Option<string>("--data") { Description = "MNIST directory: the four IDX files, plain, .gz, or encrypted as 'ppml encrypt' names them (.ppml).", Required = true };
        Option<int> epochs = new Option<int>("--epochs") { Description = "Passes over the training set (at least 1).", DefaultValueFactory = _ => 2 }.MustBePositive();
        Option<int> batch = new Option<int>("--batch", "--batch-size") { Description = "Images per SGD step (at least 1).", DefaultValueFactory = _ => 128 }.MustBePositive();
        Option<float?> learningRate = new Option<float?>("--lr") { Description = "SGD learning rate, a positive number (default 0.05, momentum 0.9)." }.MustBePositiveFinite();
        var seed = new Option<int>("--seed") { Description = "Seed for initialization and shuffling (deterministic runs).", DefaultValueFactory = _ => 42 };
        var output = new Option<string>("--out") { Description = "Model file to write, always encrypted (a PPML container around model format v1).", Required = true };
        var plot = new Option<string?>("--plot") { Description = "Write a PNG of the training loss per step and the test accuracy per epoch." };
        Option<int?> limit = new Option<int?>("--limit") { Description = "Train on the first N images only (quick runs; at least 1)." }.MustBePositive();
        var checkpoint = new Option<string?>("--checkpoint")
        {
            Description = "Encrypted checkpoint written after every epoch (default: the --out path with '.checkpoint.ppml' for '.ppml').",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue from the checkpoint of an interrupted run (same options; --epochs may be larger). Replaces --out when it exists.",
        };
        Option<bool> force = CommonOptions.Force("the model and start over even if a checkpoint exists");
        Option<string?> key = CommonOptions.Key();
        Option<bool> json = Json("one JSON object per epoch as it completes, then one for the result");
        KmsTargetOptions kms = new(workload: true);
        var lenet = new Command(
            "lenet",
            "Train BigDL's LeNet-5 on MNIST; prints 'Top1Accuracy is Accuracy(...)' on the 10,000 test images after each epoch, saves an encrypted checkpoint after each epoch, and resumes from it with --resume.")
        {
            data, epochs, batch, learningRate, seed, output, plot, limit, checkpoint, resume, force, key, json,
        };
        kms.AddTo(lenet);
        lenet.SetAction((parse, cancellationToken) =>
        {
            string modelPath = context.ResolvePath(parse.GetRequiredValue(output));
            return CommandRunner.RunAsync(context, () => new LearningHandler(context).TrainAsync(
                kms.Read(parse),
                parse.GetValue(key),
                new LeNetTrainingRequest
                {
                    DataDirectory = context.ResolvePath(parse.GetRequiredValue(data)),
                    ModelPath = modelPath,
                    Training = new TrainingOptions
                    {
                        Epochs = parse.GetValue(epochs),
                        BatchSize = parse.GetValue(batch),
                        LearningRate = parse.GetValue(learningRate) ?? new TrainingOptions().LearningRate,
                        Seed = parse.GetValue(seed),
                    },
                    Limit = parse.GetValue(limit),
                    Overwrite = parse.GetValue(force) || parse.GetValue(resume),
                    PlotPath = parse.GetValue(plot) is { } path ? context.ResolvePath(path) : null,
                    CheckpointPath = parse.GetValue(checkpoint) is { } file ? context.ResolvePath(file) : null,
                    Resume = parse.GetValue(resume),
                },
                startOver: parse.GetValue(force),
                parse.GetValue(json),
                cancellationToken));
        });
        return new Command("train", "Train models inside the TEE from encrypted data.") { lenet };
    }

    public static Command CreateEvaluate(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "An encrypted LeNet-5 model written by 'ppml train lenet'.", Required = true };
        var data = new Option<string>("--data") { Description = "MNIST directory (the t10k files are used).", Required = true };
        Option<int> batch = new Option<int>("--batch", "--batch-size") { Description = "Images per forward pass (at least 1).", DefaultValueFactory = _ => 128 }.MustBePositive();
        Option<bool> json = Json("one JSON object (correct, count, accuracy)");
        KmsTargetOptions kms = new(workload: true);
        var evaluate = new Command("evaluate", "Print the model's top-1 accuracy on the MNIST test set.") { model, data, batch, json };
        kms.AddTo(evaluate);
        evaluate.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new LearningHandler(context).EvaluateAsync(
            kms.Read(parse), parse.GetRequiredValue(model), parse.GetRequiredValue(data), parse.GetValue(batch), parse.GetValue(json), cancellationToken)));
        return evaluate;
    }

    public static Command CreatePredict(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "An encrypted model from 'ppml train', or an ONNX model (FILE.onnx, or FILE.onnx.ppml decrypted in memory).", Required = true };
        var image = new Option<string>("--image") { Description = "One 28x28 grey image: binary PGM (P5), a one-image IDX3 file, or 784 raw bytes; may be a PPML container.", Required = true };
        Option<string?> shape = new Option<string?>("--shape") { Description = "ONNX input shape holding 784 values (default 1,784; e.g. 1,1,28,28). Pixels are scaled to 0..1 for ONNX." }.MustBeImageShape();
        Option<bool> json = Json("one JSON object (label, confidence or ONNX scores)");
        KmsTargetOptions kms = new(workload: true);
        var predict = new Command("predict", "Classify one image with a trained or imported model.") { model, image, shape, json };
        kms.AddTo(predict);
        predict.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new LearningHandler(context).PredictAsync(
            kms.Read(parse), parse.GetRequiredValue(model), parse.GetRequiredValue(image), parse.GetValue(shape), parse.GetValue(json), cancellationToken)));
        return predict;
    }

    private static Option<bool> Json(string what) => new("--json") { Description = $"Print {what} on stdout instead of text (camelCase, one object per line)." };

    public static Command CreateDatasets(CliContext context)
    {
        var from = new Option<string>("--from") { Description = "Base URL holding the four original MNIST .gz files.", Required = true };
        var output = new Option<string>("--out") { Description = "Directory to write them to.", Required = true };
        var mnist = new Command("mnist", "Download MNIST from a URL you give and verify the known SHA-256 checksums (nothing unverified is kept).") { from, output };
        mnist.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new LearningHandler(context).FetchMnistAsync(parse.GetRequiredValue(from), parse.GetRequiredValue(output), cancellationToken)));
        return new Command("datasets", "Datasets for the examples.") { new Command("fetch", "Download a dataset and verify it.") { mnist } };
    }
}
