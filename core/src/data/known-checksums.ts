/** A dataset whose official files advbench can recognise by their SHA-256. */
export interface KnownDataset {
  /** Dataset name. */
  name: string;
  /** SHA-256 (hex) of each file's decompressed bytes, by base name without `.gz`. */
  sha256: Readonly<Record<string, string>>;
  /** Decompressed size in bytes of each file, by the same names. */
  sizes: Readonly<Record<string, number>>;
  /** Class names in label order. */
  classNames: readonly string[];
}

/** Fashion-MNIST (Zalando, MIT licence): the four official IDX files. */
export const FASHION_MNIST: KnownDataset = {
  name: 'fashion-mnist',
  sha256: {
    'train-images-idx3-ubyte': 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    'train-labels-idx1-ubyte': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    't10k-images-idx3-ubyte': '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    't10k-labels-idx1-ubyte': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
  sizes: {
    'train-images-idx3-ubyte': 47_040_016,
    'train-labels-idx1-ubyte': 60_008,
    't10k-images-idx3-ubyte': 7_840_016,
    't10k-labels-idx1-ubyte': 10_008,
  },
  classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

/** Every dataset an `idx:` folder is checked against. */
export const KNOWN_IDX_DATASETS: readonly KnownDataset[] = [FASHION_MNIST];

/** The CIFAR-10 class names in label order (used when `batches.meta.txt` is absent). */
export const CIFAR10_CLASS_NAMES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
