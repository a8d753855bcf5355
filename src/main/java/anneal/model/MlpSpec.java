package anneal.model;

import anneal.ConfigurationException;

import java.util.Arrays;

/**
 * A multilayer perceptron: {@code inputs -> hidden[0] -> ... -> classes}, ReLU between layers,
 * softmax cross-entropy on the logits. PyTorch equivalent: a stack of {@code nn.Linear} and {@code nn.ReLU}.
 */
public record MlpSpec(int inputs, int[] hidden, int classes) {
    public MlpSpec {
        if (inputs < 1) throw ConfigurationException.of("model", "inputs", inputs, "an integer >= 1");
        if (classes < 2) throw ConfigurationException.of("model", "classes", classes, "an integer >= 2");
        for (int h : hidden)
            if (h < 1) throw ConfigurationException.of("model", "hidden", hidden, "layer widths >= 1");
        hidden = hidden.clone();
    }

    /** Number of Linear layers. */
    public int layers() {
        return hidden.length + 1;
    }

    /** Input width of Linear layer {@code l}. */
    public int fanIn(int l) {
        return l == 0 ? inputs : hidden[l - 1];
    }

    /** Output width of Linear layer {@code l}. */
    public int fanOut(int l) {
        return l == hidden.length ? classes : hidden[l];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(inputs);
        for (int h : hidden) sb.append('-').append(h);
        return sb.append('-').append(classes).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MlpSpec m && m.inputs == inputs && m.classes == classes && Arrays.equals(m.hidden, hidden);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * inputs + classes) + Arrays.hashCode(hidden);
    }
}
