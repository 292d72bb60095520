package io.tokenflow.report.figures;

import io.tokenflow.market.model.ComputeNode;
import java.awt.geom.Point2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each node of the dispatch map is drawn: at its longitude and latitude, or, lacking them, in
 * a row under the lowest placed node.
 */
record MapPlacement(Map<String, Point2D> positions, List<String> unplaced) {

    static MapPlacement of(List<ComputeNode> nodes) {
        Map<String, Point2D> positions = new LinkedHashMap<>();
        List<String> unplaced = new ArrayList<>();
        for (ComputeNode node : nodes) {
            if (node.lat().isPresent() && node.lon().isPresent()) {
                positions.put(node.id(), new Point2D.Double(node.lon().getAsDouble(), node.lat().getAsDouble()));
            } else {
                unplaced.add(node.id());
            }
        }
        if (!unplaced.isEmpty()) {
            double minX = positions.values().stream().mapToDouble(Point2D::getX).min().orElse(0);
            double maxX = positions.values().stream().mapToDouble(Point2D::getX).max().orElse(unplaced.size());
            double minY = positions.values().stream().mapToDouble(Point2D::getY).min().orElse(0);
            double maxY = positions.values().stream().mapToDouble(Point2D::getY).max().orElse(0);
            // well below the lowest site, so the row does not pass for a real place
            double rowY = positions.isEmpty() ? 0 : minY - Math.max(3, 0.3 * (maxY - minY));
            double step = (maxX - minX) / (unplaced.size() + 1);
            for (int i = 0; i < unplaced.size(); i++) {
                double x = positions.isEmpty() ? i : minX + step * (i + 1);
                positions.put(unplaced.get(i), new Point2D.Double(x, rowY));
            }
        }
        return new MapPlacement(positions, List.copyOf(unplaced));
    }

    Point2D position(String nodeId) {
        Point2D at = positions.get(nodeId);
        if (at == null) {
            throw new IllegalArgumentException("node '" + nodeId + "' is not in the scenario");
        }
        return at;
    }

    double minX() {
        return positions.values().stream().mapToDouble(Point2D::getX).min().orElseThrow();
    }

    double maxX() {
        return positions.values().stream().mapToDouble(Point2D::getX).max().orElseThrow();
    }

    double minY() {
        return positions.values().stream().mapToDouble(Point2D::getY).min().orElseThrow();
    }

    double maxY() {
        return positions.values().stream().mapToDouble(Point2D::getY).max().orElseThrow();
    }

    double spanX() {
        return maxX() - minX();
    }

    double spanY() {
        return maxY() - minY();
    }
}
