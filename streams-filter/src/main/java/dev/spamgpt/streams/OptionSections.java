package dev.spamgpt.streams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Lists a command's options in {@code --help} under one heading per Mixin, in the order of the
 * headings given; options of no such Mixin come first. picocli's own sections are argument groups,
 * but a group gets a fresh instance when one of its options is repeated, which would drop the
 * group's other values instead of refusing the repeat as picocli does for every other option.
 */
final class OptionSections implements CommandLine.IHelpSectionRenderer {

    private final Map<String, String> headings;

    private OptionSections(Map<String, String> headings) {
        this.headings = headings;
    }

    /**
     * Replaces the option list of a command's usage help.
     *
     * @param cmd the command
     * @param headings each Mixin's name (its field's name) and heading, in the order they are
     *     listed
     */
    static void install(CommandLine cmd, List<Map.Entry<String, String>> headings) {
        Map<String, String> ordered = new LinkedHashMap<>();
        headings.forEach(heading -> ordered.put(heading.getKey(), heading.getValue()));
        cmd.getHelpSectionMap()
                .put(
                        CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                        new OptionSections(ordered));
    }

    @Override
    public String render(Help help) {
        CommandSpec spec = help.commandSpec();
        Map<String, List<OptionSpec>> sections = new LinkedHashMap<>();
        headings.keySet().forEach(name -> sections.put(name, new ArrayList<>()));
        List<OptionSpec> others = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            if (option.hidden()) {
                continue;
            }
            String owner = null;
            for (Map.Entry<String, CommandSpec> mixin : spec.mixins().entrySet()) {
                if (headings.containsKey(mixin.getKey())
                        && mixin.getValue().findOption(option.longestName()) != null) {
                    owner = mixin.getKey();
                }
            }
            (owner == null ? others : sections.get(owner)).add(option);
        }
        StringBuilder out = new StringBuilder(list(help, others));
        for (Map.Entry<String, List<OptionSpec>> section : sections.entrySet()) {
            if (!section.getValue().isEmpty()) {
                out.append(help.createHeading("%n" + headings.get(section.getKey()) + ":%n"));
                out.append(list(help, section.getValue()));
            }
        }
        return out.toString();
    }

    private static String list(Help help, List<OptionSpec> options) {
        Help.Layout layout = help.createDefaultLayout();
        Help.IParamLabelRenderer labels = help.createDefaultParamLabelRenderer();
        for (OptionSpec option : options) {
            layout.addOption(option, labels);
        }
        return layout.toString();
    }
}
