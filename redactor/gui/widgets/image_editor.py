"""Before/after view of a screenshot with its black boxes: zoom, draw a box to black out more, click a box to
remove it. The boxes shown are exactly the boxes the final image gets (the export passes them to the core).

Keyboard (the view has focus): A adds a box in the middle of the view, N / P select the next / previous box,
arrows move it, Shift+arrows resize it, Delete removes it, Escape clears the selection.

Scene coordinates are the original image's pixels, whatever the size of the preview image shown, so boxes go
to the core unchanged.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

MIN_BOX = 4  # pixels; smaller drags are treated as clicks
CLICK_SLOP = 4  # screen pixels a click may move and still count as a click
MANUAL_REASON = "manual"
KEY_STEP = 10  # original pixels an arrow key moves or resizes the selected box
KEYBOARD_HELP = ("Keyboard: A adds a box, N/P select the next/previous box, arrows move it, Shift+arrows resize "
                 "it, Delete removes it.")


def make_box(x: int, y: int, w: int, h: int, reason: str = MANUAL_REASON) -> Any:
    from redactor.image.redact import Box

    return Box(x=x, y=y, w=w, h=h, reason=reason)


class BoxItem(QGraphicsRectItem):
    def __init__(self, box: Any) -> None:
        super().__init__(QRectF(box.x, box.y, box.w, box.h))
        self.box = box
        self.setToolTip(f"{box.reason} — click to remove")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(1)

    def show_original(self, original: bool, selected: bool = False) -> None:
        if selected:  # keyboard selection: a thick blue frame, in either mode
            pen = QPen(QColor(30, 136, 229), 3)
            pen.setCosmetic(True)  # 3 screen pixels at any zoom
            self.setPen(pen)
            self.setBrush(QBrush(QColor(229, 57, 53, 60) if original else Qt.GlobalColor.black))
        elif original:  # outline what will be covered, so the user can check what is under it
            self.setBrush(QBrush(QColor(229, 57, 53, 60)))
            self.setPen(QPen(QColor(229, 57, 53), 0))
        else:  # exactly what the export does: a flat, opaque fill
            self.setBrush(QBrush(Qt.GlobalColor.black))
            self.setPen(QPen(Qt.PenStyle.NoPen))


class ImageEditor(QGraphicsView):
    boxesChanged = Signal()
    zoomChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None, editable: bool = True) -> None:
        super().__init__(parent)
        self.editable = editable  # False: a viewer (the agent's), dragging pans instead of drawing
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setDragMode(QGraphicsView.DragMode.NoDrag if editable else QGraphicsView.DragMode.ScrollHandDrag)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(False)  # files dropped on the picture go to the page, which adds them
        self.setAccessibleName("Screenshot editor: drag to black out more, click a black box to remove it")
        self.setAccessibleDescription(KEYBOARD_HELP)
        self.setToolTip(KEYBOARD_HELP)
        self._pixmap_item: QGraphicsPixmapItem | None = None
        self._items: list[BoxItem] = []
        self._selected: BoxItem | None = None
        self._original = False
        self._fit = True
        self._press: QPointF | None = None
        self._press_item: BoxItem | None = None
        self._rubber: QGraphicsRectItem | None = None
        self.image_size = (0, 0)

    # --- content ---

    def clear(self) -> None:
        self.scene().clear()
        self._pixmap_item = None
        self._items = []
        self._selected = None
        self._rubber = None
        self.image_size = (0, 0)

    def set_image(self, preview: QImage, original_size: tuple[int, int], boxes: list[Any]) -> None:
        """Show `preview` (possibly smaller than the original) in original-pixel coordinates with `boxes`."""
        self.clear()
        width, height = original_size
        self.image_size = (width, height)
        self._pixmap_item = QGraphicsPixmapItem(QPixmap.fromImage(preview))
        self._pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        # scale the big picture once per zoom level, not on every repaint while a box is being drawn
        self._pixmap_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        if preview.width() and preview.width() != width:
            self._pixmap_item.setScale(width / preview.width())
        self.scene().addItem(self._pixmap_item)
        self.scene().setSceneRect(QRectF(0, 0, width, height))
        for box in boxes:
            self._add_item(box)
        self.fit()

    def boxes(self) -> list[Any]:
        return [item.box for item in self._items]

    def add_box(self, x: int, y: int, w: int, h: int) -> Any | None:
        """Black out a rectangle (original pixels), clipped to the image. None if nothing is left of it."""
        width, height = self.image_size
        x0, y0 = max(0, min(x, width)), max(0, min(y, height))
        x1, y1 = max(0, min(x + w, width)), max(0, min(y + h, height))
        if x1 - x0 < MIN_BOX or y1 - y0 < MIN_BOX:
            return None
        box = make_box(x0, y0, x1 - x0, y1 - y0)
        self._add_item(box)
        self.boxesChanged.emit()
        return box

    def remove_box(self, box: Any) -> None:
        for item in list(self._items):
            if item.box is box:
                if item is self._selected:
                    self._selected = None
                self._items.remove(item)
                self.scene().removeItem(item)
                self.boxesChanged.emit()
                return

    def _add_item(self, box: Any) -> None:
        item = BoxItem(box)
        item.show_original(self._original)
        self.scene().addItem(item)
        self._items.append(item)

    # --- before / after and zoom ---

    def set_show_original(self, original: bool) -> None:
        self._original = original
        for item in self._items:
            item.show_original(original, item is self._selected)

    # --- keyboard ---

    def selected_box(self) -> Any | None:
        return self._selected.box if self._selected is not None else None

    def select(self, index: int | None) -> None:
        previous = self._selected
        self._selected = self._items[index % len(self._items)] if index is not None and self._items else None
        for item in (previous, self._selected):
            if item is not None:
                item.show_original(self._original, item is self._selected)
        if self._selected is not None:
            self.ensureVisible(self._selected)

    def _replace_selected(self, dx: int, dy: int, dw: int, dh: int) -> None:
        item = self._selected
        if item is None:
            return
        b = item.box
        width, height = self.image_size
        w = max(MIN_BOX, min(b.w + dw, width))
        h = max(MIN_BOX, min(b.h + dh, height))
        x = max(0, min(b.x + dx, width - w))
        y = max(0, min(b.y + dy, height - h))
        item.box = make_box(x, y, w, h, b.reason)
        item.setRect(QRectF(x, y, w, h))
        self.ensureVisible(item)
        self.boxesChanged.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        arrows = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        index = self._items.index(self._selected) if self._selected in self._items else -1
        if not self.editable or not self.image_size[0]:
            super().keyPressEvent(event)
        elif key in (Qt.Key.Key_A, Qt.Key.Key_Insert):
            center = self.mapToScene(self.viewport().rect().center())
            w, h = max(MIN_BOX, self.image_size[0] // 10), max(MIN_BOX, self.image_size[1] // 20)
            if self.add_box(round(center.x()) - w // 2, round(center.y()) - h // 2, w, h) is not None:
                self.select(len(self._items) - 1)
        elif key in (Qt.Key.Key_N, Qt.Key.Key_P):
            self.select(index + (1 if key == Qt.Key.Key_N else -1) if index >= 0 else 0)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._selected is not None:
            self.remove_box(self._selected.box)
            self.select(index if index < len(self._items) else index - 1)
        elif key == Qt.Key.Key_Escape and self._selected is not None:
            self.select(None)
        elif key in arrows and self._selected is not None:
            dx, dy = arrows[Qt.Key(key)]
            if shift:
                self._replace_selected(0, 0, dx * KEY_STEP, dy * KEY_STEP)
            else:
                self._replace_selected(dx * KEY_STEP, dy * KEY_STEP, 0, 0)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = max(0.02, min(factor, 16.0))
        self._fit = False
        self.resetTransform()
        self.scale(factor, factor)
        self.zoomChanged.emit(factor)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * 1.25)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / 1.25)

    def fit(self) -> None:
        self._fit = True
        if self.image_size[0]:
            self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
            self.zoomChanged.emit(self.zoom())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._fit:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_in() if event.angleDelta().y() > 0 else self.zoom_out()
            event.accept()
        else:
            super().wheelEvent(event)

    # --- mouse: drag draws a box, a click on a box removes it ---

    def _box_at(self, pos: Any) -> BoxItem | None:
        for item in self.items(pos):
            if isinstance(item, BoxItem):
                return item
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() != Qt.MouseButton.LeftButton or not self.image_size[0] or not self.editable:
            super().mousePressEvent(event)
            return
        self._press = event.position()
        self._press_item = self._box_at(event.position().toPoint())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._press is None:
            super().mouseMoveEvent(event)
            return
        if (event.position() - self._press).manhattanLength() < CLICK_SLOP and self._rubber is None:
            return
        rect = QRectF(self.mapToScene(self._press.toPoint()), self.mapToScene(event.position().toPoint()))
        if self._rubber is None:
            self._rubber = QGraphicsRectItem()
            self._rubber.setPen(QPen(QColor(30, 136, 229), 0, Qt.PenStyle.DashLine))
            self._rubber.setBrush(QBrush(QColor(30, 136, 229, 50)))
            self._rubber.setZValue(2)
            self.scene().addItem(self._rubber)
        self._rubber.setRect(rect.normalized())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._press is None:
            super().mouseReleaseEvent(event)
            return
        if self._rubber is not None:
            r = self._rubber.rect()
            self.scene().removeItem(self._rubber)
            self._rubber = None
            self.add_box(round(r.x()), round(r.y()), round(r.width()), round(r.height()))
        elif self._press_item is not None and self._press_item is self._box_at(event.position().toPoint()):
            self.remove_box(self._press_item.box)
        self._press = None
        self._press_item = None
        event.accept()
