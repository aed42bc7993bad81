"""Exports a Keras applications ResNet v1 (random weights, randomized batch-norm statistics and biases) as a tfjs
layers-format folder laid out like tensorflowjs_converter's output (`model_config` wrapper, weight names
`layer/weight`, 4 MiB shards), plus `reference.json`: a seeded [0, 1] input batch and Keras' logits for it (caffe
preprocessing applied by Keras' own `preprocess_input`). `compare-with-keras.mts` loads the folder into the zoo model
and compares. Needs Python with keras 3 and tensorflow (not a project dependency: a one-off check).

Usage: python keras-export.py DEPTH SIZE OUT   (for example: 50 64 /tmp/keras-resnet50)
Set TF_ENABLE_ONEDNN_OPTS=0 where TensorFlow's oneDNN kernels crash (SIGFPE seen on some CPUs)."""
import json, os, sys
import numpy as np
import keras

depth, size, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
build = {50: keras.applications.ResNet50, 101: keras.applications.ResNet101, 152: keras.applications.ResNet152}[depth]
model = build(weights=None, input_shape=(size, size, 3), classes=1000)
rng = np.random.default_rng(0)
for layer in model.layers:
    if isinstance(layer, keras.layers.BatchNormalization):
        c = layer.gamma.shape[0]
        layer.set_weights([rng.uniform(0.5, 1.0, c), rng.uniform(-0.1, 0.1, c), rng.uniform(-0.1, 0.1, c), rng.uniform(0.5, 1.5, c)])
    elif isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
        kernel, bias = layer.get_weights()
        layer.set_weights([kernel, rng.uniform(-0.05, 0.05, bias.shape)])
os.makedirs(out, exist_ok=True)
specs, blobs = [], []
for layer in model.layers:
    for weight in layer.weights:
        value = np.asarray(weight.numpy(), dtype=np.float32)
        specs.append({'name': f'{layer.name}/{weight.name}', 'shape': list(value.shape), 'dtype': 'float32'})
        blobs.append(value.tobytes())
data = b''.join(blobs)
shard = 4 * 1024 * 1024
count = max(1, (len(data) + shard - 1) // shard)
paths = []
for index in range(count):
    path = f'group1-shard{index + 1}of{count}.bin'
    with open(os.path.join(out, path), 'wb') as f:
        f.write(data[index * shard:(index + 1) * shard])
    paths.append(path)
topology = {'keras_version': keras.__version__, 'backend': 'tensorflow', 'model_config': json.loads(model.to_json())}
with open(os.path.join(out, 'model.json'), 'w') as f:
    json.dump({'format': 'layers-model', 'generatedBy': f'keras v{keras.__version__}', 'convertedBy': 'advbench keras_export.py',
               'modelTopology': topology, 'weightsManifest': [{'paths': paths, 'weights': specs}]}, f)
x = rng.uniform(0, 1, (2, size, size, 3)).astype(np.float32)
caffe = keras.applications.resnet.preprocess_input(x * 255.0)
features = keras.Model(model.input, model.get_layer('avg_pool').output)(caffe).numpy()
kernel, bias = model.get_layer('predictions').get_weights()
logits = features @ kernel + bias
with open(os.path.join(out, 'reference.json'), 'w') as f:
    json.dump({'input': x.ravel().tolist(), 'shape': list(x.shape), 'logits': logits.ravel().tolist(),
               'params': int(model.count_params()), 'layers': len(model.layers), 'names': [l.name for l in model.layers]}, f)
print('exported', depth, size, model.count_params(), len(model.layers), 'weights', len(specs))
